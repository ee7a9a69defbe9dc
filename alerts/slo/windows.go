package slo

import (
	_ "embed"
	"fmt"
	"time"

	"github.com/prometheus/common/model"
	"gopkg.in/yaml.v3"

	"github.com/vigilops/vigil/alerts"
)

// Kind says whether a tier pages a human now or opens a ticket for later. It is
// written as Sloth's sloth_severity label, which Alertmanager's inhibition uses: a
// page silences the ticket of the same SLO.
type Kind string

const (
	Page   Kind = "page"
	Ticket Kind = "ticket"
)

// Tier is one multiwindow, multi-burn-rate alert of an SLO.
type Tier struct {
	// Name identifies the tier: page-fast, page-slow, ticket-fast, ticket-slow.
	Name string
	Kind Kind
	// BudgetPercent is the share of the period's error budget whose consumption
	// within Long fires the alert.
	BudgetPercent float64
	// Long and Short are the two windows; both must burn above the factor.
	Long, Short time.Duration
	// Severity of the alert.
	Severity alerts.Severity
}

// BurnFactor is how many times faster than sustainable the budget burns when the
// tier fires: BudgetPercent/100 of the budget in Long, out of a whole Period.
func (t Tier) BurnFactor(period time.Duration) float64 {
	return roundFloat(t.BudgetPercent / 100 * float64(period) / float64(t.Long))
}

//go:embed windows.yaml
var windowsYAML []byte

// DefaultTiers returns the four default tiers, read from windows.yaml: windows are
// data, not code.
func DefaultTiers() []Tier {
	var doc struct {
		Tiers []struct {
			Name          string         `yaml:"name"`
			Kind          Kind           `yaml:"kind"`
			BudgetPercent float64        `yaml:"budgetPercent"`
			Long          model.Duration `yaml:"long"`
			Short         model.Duration `yaml:"short"`
			Severity      string         `yaml:"severity"`
		} `yaml:"tiers"`
	}
	if err := yaml.Unmarshal(windowsYAML, &doc); err != nil {
		panic(fmt.Sprintf("slo: windows.yaml: %v", err))
	}
	out := make([]Tier, len(doc.Tiers))
	for i, t := range doc.Tiers {
		out[i] = Tier{
			Name: t.Name, Kind: t.Kind, BudgetPercent: t.BudgetPercent,
			Long: time.Duration(t.Long), Short: time.Duration(t.Short),
			Severity: alerts.Severity(t.Severity),
		}
	}
	return out
}

// TierNames lists the names of the default tiers, in order.
func TierNames() []string {
	var names []string
	for _, t := range DefaultTiers() {
		names = append(names, t.Name)
	}
	return names
}
