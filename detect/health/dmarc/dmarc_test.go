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
		"p=none; v=DMARC1",
		"v=DMARC1; p=none; p=reject",
	} {
		if _, err := Parse(txt); err == nil {
			t.Errorf("Parse(%q) accepted a broken record", txt)
		}
	}
}

func TestReportURIsOtherThanMailtoKeepTheRecordValid(t *testing.T) {
	r, err := Parse("v=DMARC1; p=reject; rua=https://reports.example.net/dmarc, mailto:d@example.com")
	if err != nil || len(r.RUA) != 2 {
		t.Fatalf("got %+v, %v", r, err)
	}
	if IsMailto(r.RUA[0]) || !IsMailto(r.RUA[1]) || !IsMailto("MAILTO:x@example.com") {
		t.Error("IsMailto")
	}
}

func TestMailtoDomain(t *testing.T) {
	for uri, want := range map[string]string{
		"mailto:d@Reports.Example.NET!10m": "reports.example.net",
		"mailto:d@example.com":             "example.com",
		"mailto:\"a@b\"@example.org":       "example.org",
		"mailto:nodomain":                  "",
		"mailto:d@":                        "",
		"https://x@example.com/":           "",
	} {
		got, ok := MailtoDomain(uri)
		if got != want || ok != (want != "") {
			t.Errorf("MailtoDomain(%q) = %q, %v; want %q", uri, got, ok, want)
		}
	}
}

// RFC 7489 §6.6.3: a tag with a value receivers cannot use is ignored,
// its default applies, and the record stays valid.
func TestParseIgnoresInvalidTagValuesAndUsesDefaults(t *testing.T) {
	r, err := Parse("v=DMARC1; p=reject; pct=101; adkim=q; aspf=S; fo=1:d; rf=afrf; ri=3600")
	if err != nil {
		t.Fatal(err)
	}
	want := []InvalidTag{{"pct", "101", "100"}, {"adkim", "q", "r"}}
	if !reflect.DeepEqual(r.Invalid, want) || r.Pct != 100 || r.ADKIM != "r" || r.ASPF != "s" {
		t.Errorf("got %+v", r)
	}
	for txt, tag := range map[string]string{
		"v=DMARC1; p=none; pct=x":          "pct",
		"v=DMARC1; p=none; pct=-5":         "pct",
		"v=DMARC1; p=none; pct=+50":        "pct",
		"v=DMARC1; p=none; fo=2":           "fo",
		"v=DMARC1; p=none; fo=":            "fo",
		"v=DMARC1; p=none; rf=iodef":       "rf",
		"v=DMARC1; p=none; ri=1h":          "ri",
		"v=DMARC1; p=none; ri=99999999999": "ri",
	} {
		r, err := Parse(txt)
		if err != nil || len(r.Invalid) != 1 || r.Invalid[0].Name != tag {
			t.Errorf("Parse(%q) = %+v, %v; want %s invalid", txt, r, err, tag)
		}
	}
}
