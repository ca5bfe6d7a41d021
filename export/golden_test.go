package export

import (
	"encoding/json"
	"testing"
)

// TestFormatsMatchGoldenFiles renders every fixture in every format (and
// in both languages where the language matters) and compares the bytes
// with testdata/. Random PayloadUUIDs are replaced by UUID.
func TestFormatsMatchGoldenFiles(t *testing.T) {
	useFakeNotes(t)
	for name, s := range fixtures() {
		for _, f := range Formats() {
			langs := []string{""}
			if f.Localized {
				langs = []string{"en", "it"}
			}
			for _, lng := range langs {
				file := name + "." + f.Name
				if lng != "" {
					file += "." + lng
				}
				file += f.Ext
				t.Run(file, func(t *testing.T) {
					opts := Options{Lang: lng, Report: json.RawMessage(`{"address":"` + s.Address + `","recommended":{}}`)}
					if name == "libero" {
						opts.WebHost = "www.libero.it"
						opts.Organization = "Libero IT"
					}
					out, err := f.Export(s, opts)
					if err != nil {
						t.Fatal(err)
					}
					golden(t, file, uuidPattern.ReplaceAll(out, []byte("UUID")))
				})
			}
		}
	}
}
