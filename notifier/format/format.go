// Package format renders a parsed notification (or a daily summary) as the JSON body
// that one chat target accepts: Google Chat cards v2, Slack Block Kit over an
// incoming webhook, a Microsoft Teams Adaptive Card over a workflow webhook, or
// vigil's own generic JSON. Every body stays within its target's limits: long alert
// groups are cut, with a count of what was left out. It is pure Go: no I/O.
package format

import (
	"fmt"
	"strings"
	"time"

	"github.com/vigilops/vigil/notifier/message"
	"github.com/vigilops/vigil/validate"
)

// Target is a kind of destination.
type Target string

const (
	// GoogleChat is a Google Chat incoming webhook (cards v2).
	GoogleChat Target = "googlechat"
	// Slack is a Slack incoming webhook (Block Kit in a coloured attachment).
	Slack Target = "slack"
	// Teams is a Microsoft Teams workflow ("When a Teams webhook request is
	// received") that posts the Adaptive Card it is sent.
	Teams Target = "teams"
	// Webhook is any HTTPS endpoint that takes vigil's generic JSON (WebhookBody).
	Webhook Target = "webhook"
)

// Targets lists every target.
func Targets() []Target { return []Target{GoogleChat, Slack, Teams, Webhook} }

// ParseTarget reads a target's name, with a hint naming the valid ones.
func ParseTarget(path, s string) (Target, error) {
	for _, t := range Targets() {
		if string(t) == s {
			return t, nil
		}
	}
	var ps validate.Problems
	ps.Addf(path, validate.UnknownHint(s, targetNames()), "is not a target, got %q", s)
	return "", ps.Err("notifier target")
}

func targetNames() []string {
	var out []string
	for _, t := range Targets() {
		out = append(out, string(t))
	}
	return out
}

// The size limits of each target, in bytes of the JSON body.
const (
	// GoogleChatMaxBytes: Google Chat refuses a message (text and cards) over
	// 32,000 bytes.
	GoogleChatMaxBytes = 32000
	// GoogleChatMaxWidgets: a card shows at most 100 widgets and ignores the rest.
	GoogleChatMaxWidgets = 100
	// SlackMaxBytes: Slack documents 50 blocks and 3,000 characters a section, but
	// answers msg_blocks_too_long from about 13,000 characters of blocks in all;
	// 12,000 bytes of JSON stays under that.
	SlackMaxBytes = 12000
	// SlackMaxBlocks is Slack's limit of blocks in a message (and in an attachment).
	SlackMaxBlocks = 50
	// SlackMaxSectionText is the longest text of a section block.
	SlackMaxSectionText = 3000
	// SlackMaxHeaderText is the longest plain text of a header block.
	SlackMaxHeaderText = 150
	// TeamsMaxBytes: a Teams message, card and envelope, holds at most about 28 KB.
	TeamsMaxBytes = 28000
	// WebhookMaxBytes matches what SNS itself carries (256 KiB).
	WebhookMaxBytes = 256 * 1024
)

// MaxBytes is the largest body Render produces for t.
func MaxBytes(t Target) int {
	switch t {
	case GoogleChat:
		return GoogleChatMaxBytes
	case Slack:
		return SlackMaxBytes
	case Teams:
		return TeamsMaxBytes
	default:
		return WebhookMaxBytes
	}
}

// Options are what a rendering needs beyond the notification.
type Options struct {
	// AlertmanagerURL is the base URL of vigil's Alertmanager, such as
	// https://alertmanager.example.com: Prometheus alerts link to it. Defaults to
	// no link.
	AlertmanagerURL string
	// GrafanaURL is the base URL of Grafana: Prometheus alerts also link to its
	// alert list. Defaults to no link.
	GrafanaURL string
	// Location is the time zone times are shown in. Defaults to UTC.
	Location *time.Location
	// Environment is shown when the message does not name one (CloudWatch alarms
	// without an environment: line). Defaults to none.
	Environment string
	// MaxBytes lowers the target's limit (MaxBytes(t)); 0 or anything above it
	// means the target's limit. For tests and for endpoints with smaller limits.
	MaxBytes int
}

func (o Options) maxBytes(t Target) int {
	if o.MaxBytes > 0 && o.MaxBytes < MaxBytes(t) {
		return o.MaxBytes
	}
	return MaxBytes(t)
}

func (o Options) location() *time.Location {
	if o.Location == nil {
		return time.UTC
	}
	return o.Location
}

// Render is the body to POST to a target of kind t for notification n.
func Render(t Target, n message.Notification, o Options) ([]byte, error) {
	if n.Environment == "" {
		n.Environment = o.Environment
	}
	if t == Webhook {
		return fit(t, o, len(n.Alerts), func(shown int) ([]byte, int, error) { return webhookBody(n, shown, o) })
	}
	c := fromNotification(n, o)
	return renderCard(t, c, o)
}

// RenderSummary is the body to POST to a target of kind t for a daily summary.
func RenderSummary(t Target, s message.Summary, o Options) ([]byte, error) {
	if t == Webhook {
		return fit(t, o, len(s.Events), func(shown int) ([]byte, int, error) { return webhookSummary(s, shown, o) })
	}
	return renderCard(t, fromSummary(s, o), o)
}

func renderCard(t Target, c card, o Options) ([]byte, error) {
	var render func(card, int) ([]byte, int, error)
	switch t {
	case GoogleChat:
		render = googleChat
	case Slack:
		render = slack
	case Teams:
		render = teams
	default:
		return nil, fmt.Errorf("format: unknown target %q", t)
	}
	return fit(t, o, len(c.items), func(shown int) ([]byte, int, error) { return render(c, shown) })
}

// fit renders with as many of the total items as fit the target's limits: build
// returns the body with the first shown items and its count of blocks or widgets
// (0 when the target counts none). Fewer items never make a body larger, so the
// largest count that fits is found by bisection.
func fit(t Target, o Options, total int, build func(shown int) ([]byte, int, error)) ([]byte, error) {
	limit := o.maxBytes(t)
	fits := func(shown int) ([]byte, bool, error) {
		b, parts, err := build(shown)
		if err != nil {
			return nil, false, err
		}
		ok := len(b) <= limit
		switch t {
		case GoogleChat:
			ok = ok && parts <= GoogleChatMaxWidgets
		case Slack:
			ok = ok && parts <= SlackMaxBlocks
		}
		return b, ok, nil
	}
	b, ok, err := fits(total)
	if err != nil || ok {
		return b, err
	}
	lo, hi := 0, total-1 // the answer is in [lo, hi], or none fits
	best, bestOK, err := fits(lo)
	if err != nil {
		return nil, err
	}
	if !bestOK {
		return nil, fmt.Errorf("format: even without its alerts the %s message is %d bytes, over the limit of %d", t, len(best), limit)
	}
	for lo < hi {
		mid := (lo + hi + 1) / 2
		b, ok, err := fits(mid)
		if err != nil {
			return nil, err
		}
		if ok {
			lo, best = mid, b
		} else {
			hi = mid - 1
		}
	}
	return best, nil
}

// omittedLine says how many items were left out.
func omittedLine(omitted int, noun string) string {
	if omitted == 1 {
		return fmt.Sprintf("…and 1 more %s not shown", noun)
	}
	return fmt.Sprintf("…and %d more %ss not shown", omitted, noun)
}

// formatTime shows t in loc, to the second, with the zone's abbreviation.
func formatTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("2006-01-02 15:04:05 MST")
}

func lower(s string) string { return strings.ToLower(s) }
