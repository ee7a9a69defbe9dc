package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/vigilops/vigil/internal/sloquality"
	"github.com/vigilops/vigil/stacks"
)

// sloReport measures the alert quality of every SLO of the stack and prints it as
// Markdown; with an out folder it also writes slo-report.md there. Progress goes to
// stderr, one line per SLO, because each takes seconds.
func sloReport(dir, stack, out string, stdout, stderr io.Writer) error {
	file, err := stacks.ReadStackFile(dir, stack)
	if err != nil {
		return err
	}
	env, err := file.Environment()
	if err != nil {
		return err
	}
	if len(env.SLOs) == 0 {
		return fmt.Errorf("stack %s has no SLOs: list OpenSLO files under vigil:sloFiles", stack)
	}
	var reports []sloquality.SLOReport
	for i, s := range env.SLOs {
		start := time.Now()
		results, err := sloquality.Measure(s, sloquality.BurnRatesFor(s))
		if err != nil {
			return fmt.Errorf("SLO %s: %w", s.ID(), err)
		}
		burn := sloquality.ResetBurn(s)
		resets, err := sloquality.MeasureReset(s, burn)
		if err != nil {
			return fmt.Errorf("SLO %s: %w", s.ID(), err)
		}
		fmt.Fprintf(stderr, "[%d/%d] %s measured in %s\n", i+1, len(env.SLOs), s.ID(), time.Since(start).Round(100*time.Millisecond))
		reports = append(reports, sloquality.SLOReport{SLO: s, Results: results, ResetBurn: burn, Resets: resets})
	}
	md := sloquality.Markdown("SLO alert quality: stack "+stack, reports)
	if out != "" {
		if err := os.MkdirAll(out, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(out, "slo-report.md"), []byte(md), 0o644); err != nil {
			return err
		}
	}
	_, err = io.WriteString(stdout, md)
	return err
}
