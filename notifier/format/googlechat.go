package format

import (
	"strconv"
	"strings"
)

// Google Chat's webhook body: a message with one cards v2 card. Card text takes a
// little HTML (<b>, <i>, <font color>, <a href>, <br>), so plain text is escaped.
type chatMessage struct {
	FallbackText string     `json:"fallbackText,omitempty"`
	CardsV2      []chatCard `json:"cardsV2"`
}

type chatCard struct {
	CardID string   `json:"cardId"`
	Card   chatBody `json:"card"`
}

type chatBody struct {
	Header   chatHeader    `json:"header"`
	Sections []chatSection `json:"sections"`
}

type chatHeader struct {
	Title    string `json:"title"`
	Subtitle string `json:"subtitle,omitempty"`
}

type chatSection struct {
	Header                    string       `json:"header,omitempty"`
	Collapsible               bool         `json:"collapsible,omitempty"`
	UncollapsibleWidgetsCount int          `json:"uncollapsibleWidgetsCount,omitempty"`
	Widgets                   []chatWidget `json:"widgets"`
}

type chatWidget struct {
	TextParagraph *chatText      `json:"textParagraph,omitempty"`
	DecoratedText *chatDecorated `json:"decoratedText,omitempty"`
	ButtonList    *chatButtons   `json:"buttonList,omitempty"`
}

type chatText struct {
	Text string `json:"text"`
}

type chatDecorated struct {
	TopLabel string `json:"topLabel,omitempty"`
	Text     string `json:"text"`
	WrapText bool   `json:"wrapText"`
}

type chatButtons struct {
	Buttons []chatButton `json:"buttons"`
}

type chatButton struct {
	Text    string      `json:"text"`
	OnClick chatOnClick `json:"onClick"`
}

type chatOnClick struct {
	OpenLink struct {
		URL string `json:"url"`
	} `json:"openLink"`
}

// chatRawRunes caps a forwarded raw body, so that the card stays readable and well
// under 32,000 bytes even when every character needs escaping.
const chatRawRunes = 4000

var chatEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func chatHTML(s string) string {
	return strings.ReplaceAll(chatEscaper.Replace(s), "\n", "<br>")
}

func chatColoured(colour, html string) string {
	return `<font color="` + colour + `">` + html + `</font>`
}

func chatLink(l link) string {
	return `<a href="` + chatEscaper.Replace(l.url) + `">` + chatHTML(l.label) + `</a>`
}

// googleChat renders c with its first shown items, and counts the card's widgets.
func googleChat(c card, shown int) ([]byte, int, error) {
	header := chatHeader{Title: c.header(), Subtitle: c.subtitle}
	var sections []chatSection

	var main []chatWidget
	if c.summary != "" {
		main = append(main, chatWidget{TextParagraph: &chatText{chatHTML(c.summary)}})
	}
	for i, f := range c.facts {
		text := chatHTML(f.value)
		if i == 0 {
			// The first fact (severity, environment) carries the tone's colour.
			text = chatColoured(c.tone.colour(), "<b>"+text+"</b>")
		}
		main = append(main, chatWidget{DecoratedText: &chatDecorated{TopLabel: f.label, Text: text, WrapText: true}})
	}
	if c.note != "" {
		main = append(main, chatWidget{TextParagraph: &chatText{"<i>" + chatHTML(c.note) + "</i>"}})
	}
	if len(main) > 0 {
		sections = append(sections, chatSection{Widgets: main})
	}
	for _, l := range c.lists {
		sections = append(sections, chatSection{Header: chatHTML(l.header),
			Widgets: []chatWidget{{TextParagraph: &chatText{chatHTML(strings.Join(l.lines, "\n"))}}}})
	}
	if c.raw != "" {
		sections = append(sections, chatSection{Header: "Message",
			Widgets: []chatWidget{{TextParagraph: &chatText{chatHTML(truncateRaw(c.raw, chatRawRunes))}}}})
	}
	if len(c.items) > 0 {
		var widgets []chatWidget
		for _, it := range c.items[:shown] {
			widgets = append(widgets, chatWidget{TextParagraph: &chatText{chatItem(it)}})
		}
		if omitted := len(c.items) - shown; omitted > 0 {
			widgets = append(widgets, chatWidget{TextParagraph: &chatText{"<i>" + chatHTML(omittedLine(omitted, c.itemNoun)) + "</i>"}})
		}
		s := chatSection{Header: chatHTML(c.itemsHeader) + " (" + strconv.Itoa(len(c.items)) + ")", Widgets: widgets}
		if len(widgets) > 5 {
			s.Collapsible, s.UncollapsibleWidgetsCount = true, 5
		}
		sections = append(sections, s)
	}
	if len(c.links) > 0 {
		var buttons []chatButton
		for _, l := range c.links {
			b := chatButton{Text: l.label}
			b.OnClick.OpenLink.URL = l.url
			buttons = append(buttons, b)
		}
		sections = append(sections, chatSection{Widgets: []chatWidget{{ButtonList: &chatButtons{buttons}}}})
	}

	widgets := 0
	for _, s := range sections {
		widgets += len(s.Widgets)
	}
	msg := chatMessage{
		FallbackText: c.fallback,
		CardsV2:      []chatCard{{CardID: "vigil-" + string(c.tone), Card: chatBody{Header: header, Sections: sections}}},
	}
	b, err := marshal(msg)
	return b, widgets, err
}

func chatItem(it item) string {
	var b strings.Builder
	b.WriteString(chatColoured(it.tone.colour(), "<b>"+chatHTML(it.title)+"</b>"))
	for _, f := range it.facts {
		b.WriteString("<br>")
		if f.label != "" {
			b.WriteString("<i>" + chatHTML(f.label) + ":</i> ")
		}
		b.WriteString(chatHTML(f.value))
	}
	if it.link != nil {
		b.WriteString("<br>" + chatLink(*it.link))
	}
	return b.String()
}
