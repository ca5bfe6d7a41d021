package dmarc

import (
	"reflect"
	"testing"
)

func TestParseAppliesDefaultsAndReadsTags(t *testing.T) {
	r, err := Parse("v=DMARC1; p=Quarantine; sp=reject; pct=50; rua=mailto:a@example.com, mailto:b@example.net; ruf=mailto:f@example.com; adkim=s")
	if err != nil {
		t.Fatal(err)
	}
	want := &Record{Policy: "quarantine", SubdomainPolicy: "reject", Pct: 50,
		RUA: []string{"mailto:a@example.com", "mailto:b@example.net"}, RUF: []string{"mailto:f@example.com"},
		ADKIM: "s", ASPF: "r"}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("got %+v\nwant %+v", r, want)
	}
	if r.EffectivePolicy(true) != "reject" || r.EffectivePolicy(false) != "quarantine" {
		t.Errorf("EffectivePolicy wrong")
	}
	d, _ := Parse("v=DMARC1; p=none")
	if d.Pct != 100 || d.ADKIM != "r" || d.EffectivePolicy(true) != "none" {
		t.Errorf("defaults not applied: %+v", d)
	}
}

func TestParseTreatsMissingPolicyWithReportsAsNone(t *testing.T) {
	r, err := Parse("v=DMARC1; rua=mailto:a@example.com")
	if err != nil || r.Policy != "none" || !r.PolicyMissing {
		t.Errorf("got %+v, %v", r, err)
	}
}

func TestParseRejectsBrokenRecords(t *testing.T) {
	for _, txt := range []string{
		"v=DMARC1",
		"v=DMARC1; p=block",
		"v=DMARC1; p=none; sp=maybe",
		"v=DMARC1; p=none; pct=101",
		"v=DMARC1; p=none; pct=x",
		"v=DMARC1; p=none; adkim=q",
		"v=DMARC1; p=none; rua=https://example.com/",
		"p=none; v=DMARC1",
		"v=DMARC1; p=none; p=reject",
	} {
		if _, err := Parse(txt); err == nil {
			t.Errorf("Parse(%q) accepted a broken record", txt)
		}
	}
}
