package cli

import (
	"strings"
	"testing"

	"github.com/postino-mail/postino/detect/batch"
)

// Every code a script may meet in report.json is named in docs/json.md.
func TestJSONDocNamesEveryBatchCode(t *testing.T) {
	doc := readJSONDoc(t)
	i := strings.Index(doc, "## postino batch")
	if i < 0 {
		t.Fatal("docs/json.md has no postino batch section")
	}
	doc = doc[i:]
	codes := append(append([]string{}, batch.RowCodes...), batch.ReasonCodes...)
	for _, s := range batch.DomainStatuses() {
		codes = append(codes, string(s))
	}
	for _, s := range batch.UserStatuses() {
		codes = append(codes, string(s))
	}
	for _, c := range codes {
		if !strings.Contains(doc, "`"+c+"`") {
			t.Errorf("code %q is not in the postino batch section of %s", c, jsonDoc)
		}
	}
	for _, col := range batch.CSVColumns {
		if !strings.Contains(doc, col) {
			t.Errorf("report.csv column %q is not documented", col)
		}
	}
}
