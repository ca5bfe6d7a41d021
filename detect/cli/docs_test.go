package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect"
	"github.com/postino-mail/postino/detect/batch"
	"github.com/postino-mail/postino/detect/discover"
	"github.com/postino-mail/postino/detect/health"
	"github.com/postino-mail/postino/detect/probe"
	"github.com/postino-mail/postino/detect/problem"
	"github.com/postino-mail/postino/detect/recommend"
	"github.com/postino-mail/postino/detect/roundtrip"
	"github.com/postino-mail/postino/export"
)

// docs/json.md is the public contract scripts are written against; these
// tests hold it to the code.
const jsonDoc = "../../docs/json.md"

func readJSONDoc(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(jsonDoc)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// jsonExamples returns the ```json blocks of docs/json.md.
func jsonExamples(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, m := range regexp.MustCompile("(?s)```json\n(.*?)```").FindAllStringSubmatch(readJSONDoc(t), -1) {
		out = append(out, m[1])
	}
	if len(out) < 4 {
		t.Fatalf("%d JSON examples in %s, want the detect, health, round-trip and check ones", len(out), jsonDoc)
	}
	return out
}

// strictDecode decodes an example into the type the command prints,
// refusing any field the type does not have: a misspelt or removed field
// in the documentation fails here.
func strictDecode(example string, v any) error {
	dec := json.NewDecoder(strings.NewReader(example))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

func TestJSONDocExamplesAreValidDocumentsOfTheirCommand(t *testing.T) {
	for i, ex := range jsonExamples(t) {
		var top map[string]json.RawMessage
		if err := json.Unmarshal([]byte(ex), &top); err != nil {
			t.Errorf("example %d is not one JSON object: %v\n%.200s", i+1, err, ex)
			continue
		}
		var err error
		switch {
		case top["probes"] != nil: // postino check
			var rep detect.Report
			if err = strictDecode(ex, &rep); err == nil {
				_, err = detect.ReadReport(strings.NewReader(ex))
			}
		case top["checks"] != nil: // postino health
			// Health texts render only (health.Text): compare the
			// example's fields with a report that sets every one.
			err = sameKeys(ex, fullHealth())
		case top["users"] != nil && top["rejected"] != nil: // postino batch (report.json)
			var rep batch.Report
			err = strictDecode(ex, &rep)
		case top["sources"] != nil: // postino detect
			var res discover.Result
			err = strictDecode(ex, &res)
		case top["polls"] != nil: // the round trip
			err = sameKeys(ex, fullRoundtrip())
		case top["format"] != nil: // postino export --format json
			var doc struct {
				Format   string          `json:"format"`
				Version  int             `json:"version"`
				Settings export.Settings `json:"settings"`
				Report   json.RawMessage `json:"report"`
			}
			if err = strictDecode(ex, &doc); err == nil {
				err = doc.Settings.Validate()
			}
		default:
			t.Errorf("example %d: which command prints this? %.200s", i+1, ex)
			continue
		}
		if err != nil {
			t.Errorf("example %d does not match the code: %v", i+1, err)
		}
	}
}

// fullRoundtrip is a round-trip result with every field set.
func fullRoundtrip() roundtrip.Rendered {
	now := time.Now()
	p := problem.New(problem.Closed, nil)
	return roundtrip.Result{
		Status: roundtrip.Arrived, Code: "arrived", Problem: &p, Token: "t", MessageID: "m", Subject: "s",
		SentAt: now, ArrivedAt: now, Send: time.Second, Latency: time.Second, Folder: "INBOX", Polls: 1,
		Deleted: true, DeleteFailed: &p, MarkedDeleted: true,
	}.In(i18n.For("en"))
}

// fullHealth is what postino health --json prints, with every field set.
func fullHealth() any {
	lit := health.Text{Literal: "x"}
	return struct {
		*health.Report
		Worst health.Verdict `json:"worst"`
	}{&health.Report{
		Domain: "xn--caff-8oa.it", DomainUnicode: "caffè.it", OrgDomain: "xn--caff-8oa.it",
		Checks: []health.Check{{
			Name: health.NameMX, Verdict: health.OK, Code: "mx-ok", Summary: lit, Explanation: lit, Remedy: lit,
			Details: []health.Text{lit}, Records: []string{"10 mx.example.org"}, ElapsedMS: 1,
		}},
		ElapsedMS: 1,
	}, health.OK}
}

// sameKeys reports an error when the example has a field, at any depth,
// that the JSON of v (a value with every field set) lacks.
func sameKeys(example string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var want, got any
	if err := json.Unmarshal(data, &want); err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(example), &got); err != nil {
		return err
	}
	return keysWithin("", got, want)
}

func keysWithin(path string, got, want any) error {
	switch g := got.(type) {
	case map[string]any:
		w, ok := want.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: an object where the code writes %T", path, want)
		}
		for k, v := range g {
			wv, ok := w[k]
			if !ok {
				return fmt.Errorf("%s.%s: the code has no such field", path, k)
			}
			if err := keysWithin(path+"."+k, v, wv); err != nil {
				return err
			}
		}
	case []any:
		w, ok := want.([]any)
		if !ok || len(w) == 0 {
			return nil // an array the full value leaves empty: nothing to compare with
		}
		for i, v := range g {
			if err := keysWithin(fmt.Sprintf("%s[%d]", path, i), v, w[0]); err != nil {
				return err
			}
		}
	}
	return nil
}

// Every code a script may meet in a check document is named in the
// reference: each probe phase and status, each recommendation reason;
// and every problem code it names exists.
func TestJSONDocNamesEveryCode(t *testing.T) {
	doc := readJSONDoc(t)
	quoted := func(s string) bool { return strings.Contains(doc, "`"+s+"`") || strings.Contains(doc, `"`+s+`"`) }
	for _, ph := range probe.Phases() {
		if !quoted(string(ph)) {
			t.Errorf("probe phase %q is not in %s", ph, jsonDoc)
		}
	}
	for _, st := range probe.Statuses() {
		if !quoted(string(st)) {
			t.Errorf("probe status %q is not in %s", st, jsonDoc)
		}
	}
	for _, l := range []probe.Login{probe.LoginOK, probe.LoginFailed, probe.LoginSkipped} {
		if !quoted(string(l)) {
			t.Errorf("login outcome %q is not in %s", l, jsonDoc)
		}
	}
	for _, c := range recommend.ReasonCodes() {
		if !quoted(c) {
			t.Errorf("reason code %q is not in %s", c, jsonDoc)
		}
	}
	var lists = map[string][]string{"round-trip code": roundtrip.Codes(), "source error code": discover.ErrorCodes}
	for _, s := range discover.Sources {
		lists["source"] = append(lists["source"], string(s))
	}
	for _, s := range discover.Trusts {
		lists["trust"] = append(lists["trust"], string(s))
	}
	for _, s := range discover.Statuses {
		lists["source status"] = append(lists["source status"], string(s))
	}
	for what, codes := range lists {
		for _, c := range codes {
			if !quoted(c) {
				t.Errorf("%s %q is not in %s", what, c, jsonDoc)
			}
		}
	}
	i := strings.Index(doc, "Problem codes are listed")
	if i < 0 {
		t.Fatal("the problem-code paragraph is gone")
	}
	para := doc[i : i+strings.Index(doc[i:], "\n\n")]
	named := regexp.MustCompile("`([a-z0-9-]+)`").FindAllStringSubmatch(para, -1)
	for _, m := range named {
		if !problem.Known(m[1]) {
			t.Errorf("%s names problem code %q, which the catalogue does not know", jsonDoc, m[1])
		}
	}
	if !bytes.Contains([]byte(para), []byte("`dns-timeout`")) {
		t.Errorf("the problem codes do not mention dns-timeout")
	}
}
