package health

import (
	"fmt"
	"strings"
	"testing"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/labtest"
)

// publishTXT publishes raw (any bytes) at name as one TXT record, cut
// into strings at the given offsets. labtest takes strings in miekg/dns's
// presentation form, so the bytes are escaped here and go on the wire
// exactly as given: the check must see them as published.
func publishTXT(lab *labtest.Lab, name, raw string, cuts ...int) {
	var parts []string
	from := 0
	for _, c := range append(cuts, len(raw)) {
		if c < from || c > len(raw) {
			continue
		}
		parts = append(parts, presentation(raw[from:c]))
		from = c
	}
	lab.TXT(name, parts...)
}

// presentation escapes s the way a zone file writes a TXT string.
func presentation(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < ' ' || c > '~':
			fmt.Fprintf(&b, "\\%03d", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// TestSPFPermerrorsOfRFC7208 serves, from the loopback zone, one record
// per permerror condition of RFC 7208 and per valid form that looks
// wrong, and checks the code a person and a script get.
func TestSPFPermerrorsOfRFC7208(t *testing.T) {
	cases := []struct {
		name, record string
		code         string
	}{
		{"numeric top label", "v=spf1 a:foo.1 -all", "spf-bad-domain"},
		{"top label starting with a dash", "v=spf1 mx:example.-com -all", "spf-bad-domain"},
		{"an address written as a domain", "v=spf1 a:198.51.100.7 -all", "spf-bad-domain"},
		{"a port after the domain", "v=spf1 a:mail.example.test:25 -all", "spf-bad-domain"},
		{"include with a prefix length", "v=spf1 include:foo.example.com/24 -all", "spf-bad-domain"},
		{"redirect to nothing", "v=spf1 mx redirect=", "spf-bad-domain"},
		{"redirect to junk", "v=spf1 mx redirect=junk", "spf-bad-domain"},
		{"exp with junk", "v=spf1 mx -all exp=nodot", "spf-bad-domain"},
		{"non-ASCII in a domain", "v=spf1 a:posta.città.example -all", "spf-bad-character"},
		{"byte-order mark pasted in", "v=spf1 \xef\xbb\xbfa:example.net -all", "spf-bad-character"},
		{"NUL byte", "v=spf1 a:exa\x00mple.com -all", "spf-bad-character"},
		{"control character in exp", "v=spf1 -all exp=exp\x01.example.com", "spf-bad-character"},
		{"line break between terms", "v=spf1 mx\n-all", "spf-bad-separator"},
		{"carriage return between terms", "v=spf1 a:mail.example.com\rptr -all", "spf-bad-separator"},
		{"tab between terms", "v=spf1 mx\t-all", "spf-bad-separator"},
		{"percent followed by a dot", "v=spf1 exists:%.example.com -all", "spf-bad-macro"},
		{"percent with a parenthesis", "v=spf1 exists:%(ir).dnsbl.example.com -all", "spf-bad-macro"},
		{"unknown macro letter", "v=spf1 a:%{a}.example.com -all", "spf-bad-macro"},
		{"explanation-only letter in a domain", "v=spf1 -all exp=%{r}.example.com", "spf-bad-macro"},
		{"unclosed macro", "v=spf1 exists:%{i.example.com -all", "spf-bad-macro"},
		{"leading zero in a prefix length", "v=spf1 ip4:192.0.2.0/032 -all", "spf-bad-cidr"},
		{"plus sign in a prefix length", "v=spf1 ip4:192.0.2.0/+24 -all", "spf-bad-cidr"},
		{"IPv6 prefix too long", "v=spf1 mx//129 -all", "spf-bad-cidr"},
		{"host name in ip4", "v=spf1 ip4:mail.example.com -all", "spf-bad-ip"},
		{"IPv4 address in ip6", "v=spf1 ip6:192.0.2.1 -all", "spf-bad-ip"},
		{"all with an argument", "v=spf1 mx all:example.com", "spf-bad-argument"},
		{"ptr with a prefix length", "v=spf1 ptr/24 -all", "spf-bad-argument"},
		{"include without a domain", "v=spf1 include -all", "spf-bad-argument"},
		{"modifier name starting with a digit", "v=spf1 1up=foo -all", "spf-unknown-term"},
		{"misspelt mechanism", "v=spf1 inlcude:_spf.example.com -all", "spf-unknown-term"},
		{"error after all", "v=spf1 -all frobnicate", "spf-unknown-term"},
		{"qualifier on a modifier", "v=spf1 mx -redirect=example.com", "spf-unknown-term"},
		{"unknown modifier with a bad macro", "v=spf1 mx -all note=50%off", "spf-bad-macro"},
		{"two redirects", "v=spf1 redirect=a.example.com redirect=b.example.com", "spf-duplicate-modifier"},
		{"two exp", "v=spf1 -all exp=a.example.com exp=b.example.com", "spf-duplicate-modifier"},
		// Valid forms a simpler parser gets wrong.
		{"colon and slash inside a domain", "v=spf1 a:foo:bar/baz.example.com -all", "spf-ok"},
		{"prefix lengths after such a domain", "v=spf1 a:foo:bar/baz.example.com/24//64 -all", "spf-ok"},
		{"several spaces and a trailing space", "v=spf1  mx   -all ", "spf-ok"},
		{"IDN top label", "v=spf1 a:mail.example.xn--p1ai -all", "spf-ok"},
		{"unknown modifier", "v=spf1 mx moo.cow-far_out=man:dog/cat -all", "spf-ok"},
		{"macro escapes", "v=spf1 mx exists:%{ir}.%{l1r+-}.%%%_%-.x.example.com -all", "spf-ok"},
		{"upper-case names", "V=SPF1 MX -ALL", "spf-ok"},
		{"escapes written as text", `v=spf1 mx -all x-note=a\"b\\c`, "spf-ok"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			lab, nw := newLab(t)
			publishTXT(lab, domain, tc.record)
			for _, h := range []string{"mail.example.com", "foo:bar/baz.example.com", "mail.example.xn--p1ai"} {
				lab.Host(h)
			}
			c := checkSPF(testCtx(t), nw, domain)
			verdict := Problem
			if tc.code == "spf-ok" {
				verdict = OK
			}
			assertCheck(t, c, verdict, tc.code)
			if len(c.Records) != 1 || c.Records[0] != tc.record {
				t.Errorf("records %q, want the record verbatim %q", c.Records, tc.record)
			}
		})
	}
}

func TestSPFDomainThatNoQueryCanCarryIsAWarning(t *testing.T) {
	for _, record := range []string{
		"v=spf1 a:mail.example...com -all",
		"v=spf1 a:" + strings.Repeat("x", 64) + ".example.com -all",
		"v=spf1 include:" + strings.Repeat("abcdefghi.", 26) + "com -all",
		"v=spf1 mx redirect=spf..example.com",
	} {
		lab, nw := newLab(t)
		lab.TXT(domain, record)
		assertCheck(t, checkSPF(testCtx(t), nw, domain), Warning, "spf-domain-unusable")
	}
}

func TestSPFMXMechanismWithMoreThanTenMXIsAPermerror(t *testing.T) {
	lab, nw := newLab(t)
	lab.TXT(domain, "v=spf1 mx:big.test -all")
	for i := range 11 {
		lab.MX("big.test", uint16(i), fmt.Sprintf("mx%d.big.test", i))
	}
	c := checkSPF(testCtx(t), nw, domain)
	assertCheck(t, c, Problem, "spf-mx-too-many")
	if c.Summary.Data["Count"] != 11 {
		t.Errorf("count %v, want 11", c.Summary.Data["Count"])
	}

	// Ten is still allowed.
	lab2, nw2 := newLab(t)
	lab2.TXT(domain, "v=spf1 mx:big.test -all")
	for i := range 10 {
		lab2.MX("big.test", uint16(i), fmt.Sprintf("mx%d.big.test", i))
	}
	assertCheck(t, checkSPF(testCtx(t), nw2, domain), OK, "spf-ok")
}

func TestSPFIncludedRecordWithAPermerrorIsNamedInBothLanguages(t *testing.T) {
	lab, nw := newLab(t)
	lab.TXT(domain, "v=spf1 include:_spf.provider.test -all")
	lab.TXT("_spf.provider.test", "v=spf1 ip4:192.0.2.0/032 ~all")
	c := checkSPF(testCtx(t), nw, domain)
	assertCheck(t, c, Problem, "spf-target-broken")
	if en := c.Explanation.In(i18n.For("en")); !strings.Contains(en, `"ip4:192.0.2.0/032" has an invalid prefix length`) {
		t.Errorf("English explanation %q", en)
	}
	if it := c.Explanation.In(i18n.For("it")); !strings.Contains(it, `"ip4:192.0.2.0/032" ha una lunghezza di prefisso non valida`) {
		t.Errorf("Italian explanation %q", it)
	}
}

func TestSPFStopsAtAll(t *testing.T) {
	// Receivers never get past "all": an include after it is not
	// evaluated, so its missing target is no permerror.
	lab, nw := newLab(t)
	lab.TXT(domain, "v=spf1 mx -all include:gone.test")
	c := checkSPF(testCtx(t), nw, domain)
	assertCheck(t, c, OK, "spf-ok")
	if c.Summary.Data["Count"] != 1 {
		t.Errorf("lookups %v, want 1 (the include after -all is never evaluated)", c.Summary.Data["Count"])
	}
}

func TestSPFVerdictOfASplitRecordIsTheVerdictOfTheWhole(t *testing.T) {
	// "v=spf1 mx" and " -all" in two strings join to one record (RFC 7208
	// §3.3), and a string boundary inside a term does not split it.
	record := "v=spf1 mx include:_spf.provider.test -all"
	for _, cuts := range [][]int{nil, {9}, {6}, {7}, {20, 21, 30}} {
		lab, nw := newLab(t)
		publishTXT(lab, domain, record, cuts...)
		lab.TXT("_spf.provider.test", "v=spf1 ip4:192.0.2.0/24 ~all")
		c := checkSPF(testCtx(t), nw, domain)
		assertCheck(t, c, OK, "spf-ok")
		if len(c.Records) != 1 || c.Records[0] != record {
			t.Errorf("cut at %v: records %q", cuts, c.Records)
		}
	}
}
