package cloudwatch

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// Compute evaluates a metric-math alarm's returned expression, period by period, over
// the raw series of its metric lines (by line ID), so that the evaluator can replay
// raw metrics against a math alarm. It knows the part of CloudWatch's metric math that
// vigil's alarms use: numbers, line IDs (expression lines too), + - * /, the
// comparisons > >= < <= == != (1 when true, 0 when false), IF(condition, a, b) and
// IF(condition, a) (a gap when false), and FILL(x, value). A gap in any operand, or a
// division by zero, gives a gap: CloudWatch returns no datapoint there.
func Compute(a Alarm, raw map[string]Series) (Series, error) {
	lines := map[string]MetricQuery{}
	var ret *MetricQuery
	for k, q := range a.Metrics {
		lines[q.ID] = q
		if q.ReturnData && q.ID != a.ThresholdMetricID {
			ret = &a.Metrics[k]
		}
	}
	if ret == nil {
		return Series{}, fmt.Errorf("alarm %s has no returned line", a.Name)
	}
	var out Series
	n := -1
	for id, s := range raw {
		if _, ok := lines[id]; !ok {
			return Series{}, fmt.Errorf("no line %q in alarm %s", id, a.Name)
		}
		if n >= 0 && len(s.Points) != n {
			return Series{}, fmt.Errorf("series of %q has %d points, others %d", id, len(s.Points), n)
		}
		n, out.Start = len(s.Points), s.Start
	}
	for k := 0; k < n; k++ {
		e := &mathEval{lines: lines, raw: raw, at: k, depth: 0}
		v, ok, err := e.line(ret.ID)
		if err != nil {
			return Series{}, err
		}
		out.Points = append(out.Points, Datapoint{Value: v, Missing: !ok})
	}
	return out, nil
}

type mathEval struct {
	lines map[string]MetricQuery
	raw   map[string]Series
	at    int
	depth int
}

func (e *mathEval) line(id string) (float64, bool, error) {
	q, ok := e.lines[id]
	if !ok {
		return 0, false, fmt.Errorf("unknown line %q", id)
	}
	if q.Metric != nil {
		s, ok := e.raw[id]
		if !ok {
			return 0, false, fmt.Errorf("no series for metric line %q", id)
		}
		d := s.Points[e.at]
		return d.Value, !d.Missing, nil
	}
	if e.depth++; e.depth > len(e.lines) {
		return 0, false, fmt.Errorf("line %q refers to itself", id)
	}
	p := &mathParser{toks: tokenize(q.Expression), eval: e}
	v, ok, err := p.comparison()
	if err == nil && p.pos != len(p.toks) {
		err = fmt.Errorf("unexpected %q in %q", p.toks[p.pos], q.Expression)
	}
	e.depth--
	return v, ok, err
}

func tokenize(s string) []string {
	var toks []string
	for i := 0; i < len(s); {
		c := rune(s[i])
		switch {
		case unicode.IsSpace(c):
			i++
		case unicode.IsLetter(c) || c == '_' || unicode.IsDigit(c) || c == '.':
			j := i
			for j < len(s) && (unicode.IsLetter(rune(s[j])) || unicode.IsDigit(rune(s[j])) || s[j] == '_' || s[j] == '.') {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		case strings.HasPrefix(s[i:], ">=") || strings.HasPrefix(s[i:], "<=") || strings.HasPrefix(s[i:], "==") || strings.HasPrefix(s[i:], "!="):
			toks = append(toks, s[i:i+2])
			i += 2
		default:
			toks = append(toks, s[i:i+1])
			i++
		}
	}
	return toks
}

type mathParser struct {
	toks []string
	pos  int
	eval *mathEval
}

func (p *mathParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *mathParser) expect(t string) error {
	if p.peek() != t {
		return fmt.Errorf("expected %q, got %q", t, p.peek())
	}
	p.pos++
	return nil
}

func (p *mathParser) comparison() (float64, bool, error) {
	l, lok, err := p.sum()
	if err != nil {
		return 0, false, err
	}
	for {
		op := p.peek()
		if op != ">" && op != ">=" && op != "<" && op != "<=" && op != "==" && op != "!=" {
			return l, lok, nil
		}
		p.pos++
		r, rok, err := p.sum()
		if err != nil {
			return 0, false, err
		}
		t := map[string]bool{">": l > r, ">=": l >= r, "<": l < r, "<=": l <= r, "==": l == r, "!=": l != r}[op]
		l, lok = 0, lok && rok
		if t {
			l = 1
		}
	}
}

func (p *mathParser) sum() (float64, bool, error) {
	l, lok, err := p.product()
	for err == nil && (p.peek() == "+" || p.peek() == "-") {
		op := p.toks[p.pos]
		p.pos++
		var r float64
		var rok bool
		r, rok, err = p.product()
		if op == "+" {
			l = l + r
		} else {
			l = l - r
		}
		lok = lok && rok
	}
	return l, lok, err
}

func (p *mathParser) product() (float64, bool, error) {
	l, lok, err := p.unary()
	for err == nil && (p.peek() == "*" || p.peek() == "/") {
		op := p.toks[p.pos]
		p.pos++
		var r float64
		var rok bool
		r, rok, err = p.unary()
		if op == "*" {
			l = l * r
		} else if r == 0 {
			lok = false
		} else {
			l = l / r
		}
		lok = lok && rok
	}
	return l, lok, err
}

func (p *mathParser) unary() (float64, bool, error) {
	if p.peek() == "-" {
		p.pos++
		v, ok, err := p.unary()
		return -v, ok, err
	}
	return p.primary()
}

func (p *mathParser) args() ([][2]any, error) {
	if err := p.expect("("); err != nil {
		return nil, err
	}
	var out [][2]any
	for {
		v, ok, err := p.comparison()
		if err != nil {
			return nil, err
		}
		out = append(out, [2]any{v, ok})
		if p.peek() == "," {
			p.pos++
			continue
		}
		return out, p.expect(")")
	}
}

func (p *mathParser) primary() (float64, bool, error) {
	t := p.peek()
	p.pos++
	switch {
	case t == "(":
		v, ok, err := p.comparison()
		if err == nil {
			err = p.expect(")")
		}
		return v, ok, err
	case t == "IF" || t == "FILL":
		args, err := p.args()
		if err != nil {
			return 0, false, err
		}
		val := func(k int) (float64, bool) { return args[k][0].(float64), args[k][1].(bool) }
		if t == "FILL" {
			if len(args) != 2 {
				return 0, false, fmt.Errorf("FILL takes 2 arguments, got %d", len(args))
			}
			if v, ok := val(0); ok {
				return v, true, nil
			}
			v, ok := val(1)
			return v, ok, nil
		}
		if len(args) != 2 && len(args) != 3 {
			return 0, false, fmt.Errorf("IF takes 2 or 3 arguments, got %d", len(args))
		}
		c, cok := val(0)
		switch {
		case !cok:
			return 0, false, nil
		case c != 0:
			v, ok := val(1)
			return v, ok, nil
		case len(args) == 3:
			v, ok := val(2)
			return v, ok, nil
		}
		return 0, false, nil
	case t != "" && (unicode.IsDigit(rune(t[0])) || t[0] == '.'):
		v, err := strconv.ParseFloat(t, 64)
		return v, true, err
	case t != "" && unicode.IsLower(rune(t[0])):
		return p.eval.line(t)
	}
	return 0, false, fmt.Errorf("metric math %q is not supported by Compute", t)
}
