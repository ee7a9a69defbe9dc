package format

import (
	"strconv"
	"strings"
)

// The body a Teams workflow webhook ("When a Teams webhook request is received",
// then "Post card in a chat or channel") takes: a message whose attachment is an
// Adaptive Card. Teams renders cards up to schema 1.5; 1.4 is what every client has.
type teamsMessage struct {
	Type        string            `json:"type"`
	Attachments []teamsAttachment `json:"attachments"`
}

type teamsAttachment struct {
	ContentType string    `json:"contentType"`
	ContentURL  *string   `json:"contentUrl"`
	Content     teamsCard `json:"content"`
}

type teamsCard struct {
	Schema  string         `json:"$schema"`
	Type    string         `json:"type"`
	Version string         `json:"version"`
	MSTeams map[string]any `json:"msteams,omitempty"`
	Body    []teamsElement `json:"body"`
	Actions []teamsAction  `json:"actions,omitempty"`
}

// teamsElement is a TextBlock, a FactSet or a Container.
type teamsElement struct {
	Type      string         `json:"type"`
	Text      string         `json:"text,omitempty"`
	Weight    string         `json:"weight,omitempty"`
	Size      string         `json:"size,omitempty"`
	Color     string         `json:"color,omitempty"`
	IsSubtle  bool           `json:"isSubtle,omitempty"`
	FontType  string         `json:"fontType,omitempty"`
	Wrap      bool           `json:"wrap,omitempty"`
	Spacing   string         `json:"spacing,omitempty"`
	Separator bool           `json:"separator,omitempty"`
	Style     string         `json:"style,omitempty"`
	Bleed     bool           `json:"bleed,omitempty"`
	Facts     []teamsFact    `json:"facts,omitempty"`
	Items     []teamsElement `json:"items,omitempty"`
}

type teamsFact struct {
	Title string `json:"title"`
	Value string `json:"value"`
}

type teamsAction struct {
	Type  string `json:"type"`
	Title string `json:"title"`
	URL   string `json:"url"`
}

// teamsRawRunes caps a forwarded raw body well inside the 28 KB of a message.
const teamsRawRunes = 4000

// teamsStyle is the Container style of a tone (Adaptive Cards name colours by use).
func (t tone) teamsStyle() string {
	switch t {
	case toneCritical, toneHigh, toneFiring:
		return "attention"
	case toneMedium:
		return "warning"
	case toneLow:
		return "accent"
	case toneResolved:
		return "good"
	}
	return "emphasis"
}

// teamsColor is the TextBlock colour of a tone.
func (t tone) teamsColor() string {
	switch t {
	case toneCritical, toneHigh, toneFiring:
		return "Attention"
	case toneMedium:
		return "Warning"
	case toneLow:
		return "Accent"
	case toneResolved:
		return "Good"
	}
	return "Default"
}

func textBlock(text string) teamsElement {
	return teamsElement{Type: "TextBlock", Text: text, Wrap: true}
}

// teams renders c with its first shown items; Teams counts no elements.
func teams(c card, shown int) ([]byte, int, error) {
	head := []teamsElement{{Type: "TextBlock", Text: c.header(), Weight: "Bolder", Size: "Large", Wrap: true}}
	if c.subtitle != "" {
		head = append(head, teamsElement{Type: "TextBlock", Text: c.subtitle, IsSubtle: true, Spacing: "None", Wrap: true})
	}
	body := []teamsElement{{Type: "Container", Style: c.tone.teamsStyle(), Bleed: true, Items: head}}
	if c.summary != "" {
		body = append(body, textBlock(c.summary))
	}
	if len(c.facts) > 0 {
		var facts []teamsFact
		for _, f := range c.facts {
			facts = append(facts, teamsFact{Title: f.label, Value: f.value})
		}
		body = append(body, teamsElement{Type: "FactSet", Facts: facts})
	}
	if c.note != "" {
		e := textBlock(c.note)
		e.IsSubtle = true
		body = append(body, e)
	}
	for _, l := range c.lists {
		body = append(body, teamsElement{Type: "TextBlock", Text: l.header, Weight: "Bolder", Wrap: true, Separator: true},
			teamsElement{Type: "TextBlock", Text: strings.Join(l.lines, "\n\n"), Wrap: true, Spacing: "Small"})
	}
	if c.raw != "" {
		body = append(body, teamsElement{Type: "TextBlock", Text: truncateRaw(c.raw, teamsRawRunes), FontType: "Monospace", Wrap: true, Separator: true})
	}
	if len(c.items) > 0 {
		body = append(body, teamsElement{Type: "TextBlock", Text: c.itemsHeader + " (" + strconv.Itoa(len(c.items)) + ")", Weight: "Bolder", Wrap: true, Separator: true})
		for _, it := range c.items[:shown] {
			body = append(body, teamsItem(it))
		}
		if omitted := len(c.items) - shown; omitted > 0 {
			e := textBlock(omittedLine(omitted, c.itemNoun))
			e.IsSubtle = true
			body = append(body, e)
		}
	}
	var actions []teamsAction
	for _, l := range c.links {
		actions = append(actions, teamsAction{Type: "Action.OpenUrl", Title: l.label, URL: l.url})
	}
	msg := teamsMessage{Type: "message", Attachments: []teamsAttachment{{
		ContentType: "application/vnd.microsoft.card.adaptive",
		Content: teamsCard{
			Schema:  "http://adaptivecards.io/schemas/adaptive-card.json",
			Type:    "AdaptiveCard",
			Version: "1.4",
			MSTeams: map[string]any{"width": "Full"},
			Body:    body,
			Actions: actions,
		},
	}}}
	b, err := marshal(msg)
	return b, 0, err
}

func teamsItem(it item) teamsElement {
	var lines []string
	for _, f := range it.facts {
		if f.label != "" {
			lines = append(lines, f.label+": "+f.value)
		} else {
			lines = append(lines, f.value)
		}
	}
	if it.link != nil {
		lines = append(lines, "["+it.link.label+"]("+it.link.url+")")
	}
	items := []teamsElement{{Type: "TextBlock", Text: it.title, Weight: "Bolder", Color: it.tone.teamsColor(), Wrap: true}}
	if len(lines) > 0 {
		items = append(items, teamsElement{Type: "TextBlock", Text: strings.Join(lines, "\n\n"), Wrap: true, Spacing: "None"})
	}
	return teamsElement{Type: "Container", Separator: true, Items: items}
}
