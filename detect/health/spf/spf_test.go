package spf

import (
	"strings"
	"testing"
)

func TestIsSPFNeedsVersionFollowedBySpaceOrEnd(t *testing.T) {
	for txt, want := range map[string]bool{
		"v=spf1 -all": true, "V=SPF1 mx": true, "v=spf1": true,
		"v=spf10 -all": false, "spf1 -all": false, "": false, "v=DMARC1; p=none": false,
	} {
		if got := IsSPF(txt); got != want {
			t.Errorf("IsSPF(%q) = %v, want %v", txt, got, want)
		}
	}
}

func TestParseReadsMechanismsQualifiersAndModifiers(t *testing.T) {
	r, err := Parse("v=spf1 +a mx:mail.example.com/24 -ip4:192.0.2.0/24 ~ip6:2001:db8::/32 ?include:_spf.example.net exists:%{i}.x.example ptr redirect=_spf.example.com exp=explain.example.com foo=bar ~all")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range r.Mechanisms {
		got = append(got, m.String())
	}
	want := "a mx:mail.example.com/24 -ip4:192.0.2.0/24 ~ip6:2001:db8::/32 ?include:_spf.example.net exists:%{i}.x.example ptr ~all"
	if strings.Join(got, " ") != want {
		t.Errorf("mechanisms\n got %s\nwant %s", strings.Join(got, " "), want)
	}
	if r.Redirect != "_spf.example.com" || r.Exp != "explain.example.com" || len(r.Unknown) != 1 {
		t.Errorf("modifiers: redirect %q exp %q unknown %v", r.Redirect, r.Exp, r.Unknown)
	}
	if all, ok := r.All(); !ok || all.Qualifier != SoftFail {
		t.Errorf("All() = %v, %v", all, ok)
	}
	lookups := 0
	for _, m := range r.Mechanisms {
		if m.CountsLookup() {
			lookups++
		}
	}
	if lookups != 5 { // a, mx, include, exists, ptr
		t.Errorf("lookup-costing mechanisms = %d, want 5", lookups)
	}
	if !HasMacro(r.Mechanisms[5].Domain) {
		t.Errorf("exists:%%{i}... not recognised as a macro")
	}
}

func TestParseRejectsBrokenRecords(t *testing.T) {
	for _, txt := range []string{
		"v=spf1 ip4:300.0.0.1 -all",
		"v=spf1 ip4:2001:db8::1 -all",
		"v=spf1 ip6:192.0.2.1 -all",
		"v=spf1 include -all",
		"v=spf1 include: -all",
		"v=spf1 a:/24 -all",
		"v=spf1 a/33 -all",
		"v=spf1 mx//129 -all",
		"v=spf1 a/ -all",
		"v=spf1 all:example.com",
		"v=spf1 ptr/24 -all",
		"v=spf1 frob -all",
		"v=spf1 redirect=a.example redirect=b.example",
		"v=spf1 redirect=",
		"v=spf2 -all",
	} {
		if _, err := Parse(txt); err == nil {
			t.Errorf("Parse(%q) accepted a broken record", txt)
		}
	}
}

func TestParseAcceptsDualCIDR(t *testing.T) {
	for _, txt := range []string{"v=spf1 a/24 -all", "v=spf1 mx//64 -all", "v=spf1 a:example.com/24//64 -all", "v=spf1 ip4:192.0.2.1 ip6:::1 -all"} {
		if _, err := Parse(txt); err != nil {
			t.Errorf("Parse(%q): %v", txt, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("v=spf1 a mx include:x.example ip4:1.2.3.4/8 -all")
	f.Add("v=spf1 a:/ mx// redirect=")
	f.Fuzz(func(t *testing.T, s string) {
		r, err := Parse(s)
		if err == nil {
			for _, m := range r.Mechanisms {
				_ = m.String()
			}
		}
	})
}
