// Package preview is `vigil notifier render`: it prints the body the notifier would
// post to a target for a message, so that a team can see and test what its alerts
// will look like before any of them fires. It reads a message as SNS carries it (a
// CloudWatch alarm's JSON, Alertmanager's text, any text), an SNS envelope (what an
// HTTPS or SQS subscription receives) or the SNS event a Lambda receives.
package preview

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/vigilops/vigil/notifier/format"
	"github.com/vigilops/vigil/notifier/message"
)

// Usage is the command's synopsis.
const Usage = `usage: vigil notifier render --target googlechat|slack|teams|webhook [flags] < message.json

Prints the JSON body the notifier would POST for the message read from standard
input: a CloudWatch alarm's JSON, an Alertmanager message, plain text, an SNS
envelope or a Lambda SNS event (one body per record).
`

// Run runs the command with its arguments (after "render"), and returns its exit
// status: 0, 1 when the message cannot be rendered, 2 for bad usage.
func Run(args []string, in io.Reader, out, errOut io.Writer) int {
	fs := flag.NewFlagSet("vigil notifier render", flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.Usage = func() { fmt.Fprint(errOut, Usage); fs.PrintDefaults() }
	target := fs.String("target", "", "googlechat, slack, teams or webhook (required)")
	topic := fs.String("topic-arn", "", "the topic the message arrives on; its last word names the severity (arn:aws:sns:eu-west-1:123456789012:team-prod-high)")
	subject := fs.String("subject", "", "the SNS subject, for a bare message")
	env := fs.String("environment", "", "the environment shown when the message names none")
	am := fs.String("alertmanager-url", "", "Alertmanager's base URL, for links from Prometheus alerts")
	grafana := fs.String("grafana-url", "", "Grafana's base URL, for links from Prometheus alerts")
	zone := fs.String("time-zone", "UTC", "the IANA time zone times are shown in")
	compact := fs.Bool("compact", false, "print the body exactly as posted, not indented")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(errOut, "unexpected argument %q: the message is read from standard input\n", fs.Arg(0))
		return 2
	}
	t, err := format.ParseTarget("--target", *target)
	if err != nil {
		fmt.Fprintln(errOut, err)
		return 2
	}
	loc, err := time.LoadLocation(*zone)
	if err != nil {
		fmt.Fprintf(errOut, "--time-zone: %v\n", err)
		return 2
	}
	input, err := io.ReadAll(in)
	if err != nil {
		fmt.Fprintf(errOut, "reading standard input: %v\n", err)
		return 1
	}
	records, err := Records(input, message.Record{TopicArn: *topic, Subject: *subject})
	if err != nil {
		fmt.Fprintln(errOut, err)
		return 1
	}
	o := format.Options{AlertmanagerURL: *am, GrafanaURL: *grafana, Location: loc, Environment: *env}
	for _, r := range records {
		body, err := format.Render(t, message.Parse(r), o)
		if err != nil {
			fmt.Fprintln(errOut, err)
			return 1
		}
		if !*compact {
			var pretty bytes.Buffer
			if err := json.Indent(&pretty, body, "", "  "); err == nil {
				body = pretty.Bytes()
			}
		}
		if _, err := fmt.Fprintf(out, "%s\n", body); err != nil {
			return 1
		}
	}
	return 0
}

// Records reads the input as a Lambda SNS event, an SNS envelope or a bare
// message; defaults fill what a bare message cannot say.
func Records(input []byte, defaults message.Record) ([]message.Record, error) {
	var probe struct {
		Records []struct {
			Sns *envelope `json:"Sns"`
		} `json:"Records"`
		envelope
	}
	if json.Unmarshal(input, &probe) == nil {
		switch {
		case len(probe.Records) > 0:
			var out []message.Record
			for i, r := range probe.Records {
				if r.Sns == nil {
					return nil, fmt.Errorf("record %d of the event is not from SNS (no Sns object)", i)
				}
				out = append(out, r.Sns.record())
			}
			return out, nil
		case probe.Type == "Notification" && probe.Message != nil:
			return []message.Record{probe.envelope.record()}, nil
		}
	}
	if len(bytes.TrimSpace(input)) == 0 {
		return nil, errors.New("standard input is empty: give the message to render")
	}
	r := defaults
	r.Message = string(input)
	return []message.Record{r}, nil
}

// envelope is an SNS notification as SNS delivers it.
type envelope struct {
	Type              string  `json:"Type"`
	MessageID         string  `json:"MessageId"`
	TopicArn          string  `json:"TopicArn"`
	Subject           *string `json:"Subject"`
	Message           *string `json:"Message"`
	Timestamp         string  `json:"Timestamp"`
	MessageAttributes map[string]struct {
		Type  string `json:"Type"`
		Value string `json:"Value"`
	} `json:"MessageAttributes"`
}

func (e envelope) record() message.Record {
	r := message.Record{MessageID: e.MessageID, TopicArn: e.TopicArn, Attributes: map[string]string{}}
	if e.Subject != nil {
		r.Subject = *e.Subject
	}
	if e.Message != nil {
		r.Message = *e.Message
	}
	if t, err := time.Parse(time.RFC3339Nano, e.Timestamp); err == nil {
		r.Timestamp = t
	}
	for k, v := range e.MessageAttributes {
		r.Attributes[k] = v.Value
	}
	return r
}
