package export

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

func TestJSONCarriesSettingsAndTheReport(t *testing.T) {
	s := fixtures()["libero"]
	report := json.RawMessage(`{"address":"mario.rossi@libero.it","probes":[{"port":993,"status":"ok"}]}`)
	var doc struct {
		Format   string          `json:"format"`
		Version  int             `json:"version"`
		Settings Settings        `json:"settings"`
		Report   json.RawMessage `json:"report"`
	}
	if err := json.Unmarshal(must(JSON(s, Options{Report: report})), &doc); err != nil {
		t.Fatal(err)
	}
	want := s
	want.Password = ""
	if doc.Format != "postino-settings" || doc.Version != JSONVersion || !reflect.DeepEqual(doc.Settings, want) {
		t.Errorf("settings did not round-trip:\n got %+v\nwant %+v", doc.Settings, want)
	}
	var a, b any
	_ = json.Unmarshal(report, &a)
	_ = json.Unmarshal(doc.Report, &b)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("report %s", doc.Report)
	}
}

func TestJSONOmitsAMissingReportAndRejectsABrokenOne(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(must(JSON(fixtures()["tiscali"], Options{})), &doc); err != nil {
		t.Fatal(err)
	}
	if _, ok := doc["report"]; ok {
		t.Error("report present without one")
	}
	if _, err := JSON(fixtures()["tiscali"], Options{Report: json.RawMessage(`{"broken"`)}); !errors.Is(err, ErrInvalid) {
		t.Errorf("broken report: %v", err)
	}
}
