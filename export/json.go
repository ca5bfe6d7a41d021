package export

import "encoding/json"

// JSONVersion is the version of the JSON export's layout; it changes
// only when a field changes meaning or disappears.
const JSONVersion = 1

type jsonExport struct {
	Format   string   `json:"format"`
	Version  int      `json:"version"`
	Settings Settings `json:"settings"`
	// Report is the check report that produced the settings, verbatim.
	Report any `json:"report,omitempty"`
}

// JSON returns the settings (never the password) and, when
// opts.Report is set, the check report that produced them.
func JSON(s Settings, opts Options) ([]byte, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	report := opts.Report
	if raw, ok := report.(json.RawMessage); ok {
		if len(raw) == 0 {
			report = nil
		} else if !json.Valid(raw) {
			return nil, invalid("export.err.report_json", nil)
		}
	}
	return marshalIndent(jsonExport{Format: "postino-settings", Version: JSONVersion, Settings: s, Report: report})
}
