package cli

import (
	"fmt"
	"strings"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect"
	"github.com/postino-mail/postino/detect/probe"
	"github.com/postino-mail/postino/detect/recommend"
	"github.com/postino-mail/postino/export"
)

// settingsFromReport turns a check report's recommendation into what the
// export package writes (detect.Report.ExportSettings, shared with the
// window). ok is false when the report has no working incoming and
// outgoing pair to export.
func settingsFromReport(rep *detect.Report, displayName string) (s export.Settings, ok bool) {
	s, err := rep.ExportSettings(displayName)
	return s, err == nil
}

// nothingToExport explains exit code 1: which direction has no working
// server, the login refusals behind it (the usual cause when a password
// was given: the server answered but said no), and where to see every
// test.
func nothingToExport(loc i18n.Localizer, rep *detect.Report) string {
	why := "export.cli.err.no_servers"
	switch {
	case len(rep.Probes) == 0:
		why = "export.cli.err.no_candidates"
	case rep.Recommended.Incoming != nil:
		why = "export.cli.err.no_outgoing"
	case rep.Recommended.Outgoing != nil:
		why = "export.cli.err.no_incoming"
	}
	var b strings.Builder
	b.WriteString(loc.T("export.cli.err.nothing", map[string]any{"Address": rep.Address, "Why": loc.T(why)}))
	seen := map[string]bool{}
	for _, p := range rep.Probes {
		if p.Login != probe.LoginFailed {
			continue
		}
		for _, pr := range p.Problems {
			if seen[pr.Code+pr.Explanation] {
				continue
			}
			seen[pr.Code+pr.Explanation] = true
			fmt.Fprintf(&b, "\n  %s %s: %s", protoName(p.Protocol), p.Endpoint.Address(), printable(pr.Explanation))
			if pr.Remedy != "" {
				fmt.Fprintf(&b, "\n    → %s", printable(pr.Remedy))
			}
		}
	}
	b.WriteString("\n" + loc.T("export.cli.err.see_check", map[string]any{"Address": rep.Address}))
	return b.String()
}

// unverifiedWarnings are said when the exported choice is a server whose
// certificate did not verify (the only one that answered, for example a
// self-signed server of one's own): every mail program set up from the
// file will warn about it, so the person exporting should know first.
func unverifiedWarnings(loc i18n.Localizer, rep *detect.Report) []string {
	var out []string
	for _, c := range []*recommend.Choice{rep.Recommended.Incoming, rep.Recommended.Outgoing} {
		if c != nil && !c.Verified {
			out = append(out, loc.T("export.cli.warn.unverified", map[string]any{
				"Server": fmt.Sprintf("%s %s", protoName(c.Protocol), c.Address()),
			}))
		}
	}
	return out
}
