package format

import (
	"strconv"
	"strings"

	"github.com/vigilops/vigil/notifier/message"
)

// Slack's incoming-webhook body: a fallback text and one attachment, whose colour
// is the bar beside the Block Kit blocks it holds.
type slackMessage struct {
	Text        string            `json:"text"`
	Attachments []slackAttachment `json:"attachments"`
}

type slackAttachment struct {
	Color  string       `json:"color"`
	Blocks []slackBlock `json:"blocks"`
}

type slackBlock struct {
	Type     string         `json:"type"`
	Text     *slackText     `json:"text,omitempty"`
	Fields   []slackText    `json:"fields,omitempty"`
	Elements []slackElement `json:"elements,omitempty"`
}

type slackText struct {
	Type  string `json:"type"`
	Text  string `json:"text"`
	Emoji bool   `json:"emoji,omitempty"`
}

// slackElement is a context element (a text) or an actions element (a button).
type slackElement struct {
	Type     string `json:"type"`
	Text     any    `json:"text"`
	URL      string `json:"url,omitempty"`
	ActionID string `json:"action_id,omitempty"`
}

// Slack's per-element limits.
const (
	slackMaxFields     = 10
	slackMaxFieldText  = 2000
	slackMaxButtonText = 75
	slackMaxButtonURL  = 3000
	slackMaxButtons    = 25
)

var slackEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func mrkdwn(s string) *slackText {
	return &slackText{Type: "mrkdwn", Text: message.Truncate(s, SlackMaxSectionText)}
}

// slack renders c with its first shown items, and counts its blocks.
func slack(c card, shown int) ([]byte, int, error) {
	esc := slackEscaper.Replace
	blocks := []slackBlock{{Type: "header", Text: &slackText{Type: "plain_text", Emoji: true,
		Text: message.Truncate(c.header(), SlackMaxHeaderText)}}}
	if c.subtitle != "" {
		blocks = append(blocks, slackBlock{Type: "context", Elements: []slackElement{{Type: "mrkdwn", Text: esc(c.subtitle)}}})
	}
	if c.summary != "" {
		blocks = append(blocks, slackBlock{Type: "section", Text: mrkdwn(esc(c.summary))})
	}
	for start := 0; start < len(c.facts); start += slackMaxFields {
		end := min(start+slackMaxFields, len(c.facts))
		var fields []slackText
		for _, f := range c.facts[start:end] {
			fields = append(fields, slackText{Type: "mrkdwn",
				Text: message.Truncate("*"+esc(f.label)+"*\n"+esc(f.value), slackMaxFieldText)})
		}
		blocks = append(blocks, slackBlock{Type: "section", Fields: fields})
	}
	if c.note != "" {
		blocks = append(blocks, slackBlock{Type: "context", Elements: []slackElement{{Type: "mrkdwn", Text: "_" + esc(c.note) + "_"}}})
	}
	for _, l := range c.lists {
		blocks = append(blocks, slackBlock{Type: "section", Text: mrkdwn("*" + esc(l.header) + "*\n" + esc(strings.Join(l.lines, "\n")))})
	}
	if c.raw != "" {
		blocks = append(blocks, slackBlock{Type: "section", Text: &slackText{Type: "mrkdwn",
			Text: "```" + escapeWithin(c.raw, SlackMaxSectionText-6, esc) + "```"}})
	}
	if len(c.items) > 0 {
		blocks = append(blocks, slackBlock{Type: "divider"},
			slackBlock{Type: "section", Text: mrkdwn("*" + esc(c.itemsHeader) + " (" + strconv.Itoa(len(c.items)) + ")*")})
		for _, it := range c.items[:shown] {
			blocks = append(blocks, slackBlock{Type: "section", Text: mrkdwn(slackItem(it))})
		}
		if omitted := len(c.items) - shown; omitted > 0 {
			blocks = append(blocks, slackBlock{Type: "context", Elements: []slackElement{{Type: "mrkdwn", Text: "_" + omittedLine(omitted, c.itemNoun) + "_"}}})
		}
	}
	if len(c.links) > 0 {
		var buttons []slackElement
		for i, l := range c.links {
			if i == slackMaxButtons || len(l.url) > slackMaxButtonURL {
				continue
			}
			buttons = append(buttons, slackElement{Type: "button", ActionID: "vigil-link-" + strconv.Itoa(i), URL: l.url,
				Text: slackText{Type: "plain_text", Text: message.Truncate(l.label, slackMaxButtonText)}})
		}
		if len(buttons) > 0 { // Slack refuses an actions block without elements
			blocks = append(blocks, slackBlock{Type: "actions", Elements: buttons})
		}
	}
	msg := slackMessage{Text: esc(c.fallback), Attachments: []slackAttachment{{Color: c.tone.colour(), Blocks: blocks}}}
	b, err := marshal(msg)
	return b, len(blocks), err
}

func slackItem(it item) string {
	esc := slackEscaper.Replace
	var b strings.Builder
	b.WriteString("*" + esc(it.title) + "*")
	for _, f := range it.facts {
		b.WriteString("\n")
		if f.label != "" {
			b.WriteString("_" + esc(f.label) + ":_ ")
		}
		b.WriteString(esc(f.value))
	}
	if it.link != nil {
		b.WriteString("\n<" + it.link.url + "|" + esc(it.link.label) + ">")
	}
	return b.String()
}
