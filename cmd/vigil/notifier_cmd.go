package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vigilops/vigil/notifier/preview"
)

// newNotifierCommand is `vigil notifier`, the group of the notifier's commands.
func newNotifierCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "notifier",
		Short: "Commands about the notifier that posts alerts to chat",
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return fmt.Errorf("unknown command %q for %q", args[0], cmd.CommandPath())
			}
			return cmd.Help()
		},
	}
	cmd.AddCommand(newNotifierRenderCommand(a))
	return cmd
}

// newNotifierRenderCommand is `vigil notifier render`: notifier/preview, the very
// code the Lambda formats with, behind vigil's command line. Its flags are
// preview's own, so cobra leaves them to it.
func newNotifierRenderCommand(a *app) *cobra.Command {
	var usage bytes.Buffer
	preview.Run([]string{"-h"}, strings.NewReader(""), io.Discard, &usage)
	return &cobra.Command{
		Use:   "render --target googlechat|slack|teams|webhook [flags] < message.json",
		Short: "Print what a message would look like in a chat target",
		Long: `Print the JSON body the notifier would POST to a target for the message read
from standard input, so that a team can preview and test its alerts before any
of them fires. No AWS access. The message is a CloudWatch alarm's JSON, an
Alertmanager message, plain text, an SNS envelope or a Lambda SNS event (one
body per record).

Its flags (one dash or two):
` + strings.TrimPrefix(usage.String(), preview.Usage),
		Example: `  vigil notifier render --target slack < alarm.json
  vigil notifier render --target googlechat \
      --topic-arn arn:aws:sns:eu-west-1:123456789012:vigil-prod-high < alertmanager.txt`,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, arg := range args {
				if arg == "--" {
					break
				}
				if arg == "-h" || arg == "--help" || arg == "-help" {
					return cmd.Help()
				}
			}
			var errOut bytes.Buffer
			switch preview.Run(args, cmd.InOrStdin(), a.stdout, &errOut) {
			case 0:
				return nil
			case 2:
				return errors.New(oneLine(errOut.String(), "bad usage"))
			default:
				return failed(errors.New(oneLine(errOut.String(), "the message could not be rendered")))
			}
		},
	}
}

// oneLine is what preview wrote, its lines joined into one (vigil reports a failure
// on one line), or fallback when it wrote nothing.
func oneLine(s, fallback string) string {
	if s = strings.Join(strings.Fields(s), " "); s != "" {
		return s
	}
	return fallback
}
