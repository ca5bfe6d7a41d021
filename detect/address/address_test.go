package address

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/postino-mail/postino/assets/i18n"
)

func TestParseAcceptsValidAddresses(t *testing.T) {
	cases := []struct {
		in, local, domain, display string
	}{
		{"mario.rossi@libero.it", "mario.rossi", "libero.it", "libero.it"},
		{"  mario.rossi@libero.it\t", "mario.rossi", "libero.it", "libero.it"},
		{"Mario.Rossi@LIBERO.IT", "Mario.Rossi", "libero.it", "libero.it"},
		{"mario+fatture@gmail.com", "mario+fatture", "gmail.com", "gmail.com"},
		{"a!#$%&'*+-/=?^_`{|}~z@example.org", "a!#$%&'*+-/=?^_`{|}~z", "example.org", "example.org"},
		{"mario@città.it", "mario", "xn--citt-3na.it", "città.it"},
		{"mario@CITTÀ.IT", "mario", "xn--citt-3na.it", "città.it"},
		{"mario@xn--citt-3na.it", "mario", "xn--citt-3na.it", "città.it"},
		{"niccolò.pelè@tiscali.it", "niccolò.pelè", "tiscali.it", "tiscali.it"},
		{"perché@virgilio.it", "perché", "virgilio.it", "virgilio.it"},
		{"用户@例子.中国", "用户", "xn--fsqu00a.xn--fiqs8s", "例子.中国"},
		{`"mario rossi"@libero.it`, `"mario rossi"`, "libero.it", "libero.it"},
		{`"a@b"@example.com`, `"a@b"`, "example.com", "example.com"},
		{`"a\"b"@example.com`, `"a\"b"`, "example.com", "example.com"},
		{"x@mail.studio-rossi.co.uk", "x", "mail.studio-rossi.co.uk", "mail.studio-rossi.co.uk"},
		{"1@2.com", "1", "2.com", "2.com"},
		{strings.Repeat("a", 64) + "@libero.it", strings.Repeat("a", 64), "libero.it", "libero.it"},
		{"mario@" + strings.Repeat("a", 63) + ".it", "mario", strings.Repeat("a", 63) + ".it", strings.Repeat("a", 63) + ".it"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			a, err := Parse(c.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", c.in, err)
			}
			if a.Local != c.local || a.Domain != c.domain || a.DomainUnicode != c.display {
				t.Errorf("Parse(%q) = %+v; want local %q domain %q display %q", c.in, a, c.local, c.domain, c.display)
			}
			if a.Raw != c.in {
				t.Errorf("Raw = %q; want the input %q", a.Raw, c.in)
			}
			if got, want := a.String(), c.local+"@"+c.domain; got != want {
				t.Errorf("String() = %q; want %q", got, want)
			}
		})
	}
}

func TestParseNormalisesDecomposedAccentsToNFC(t *testing.T) {
	// macOS input methods can produce "e" + combining acute accent.
	a, err := Parse("perche\u0301@libero.it")
	if err != nil {
		t.Fatal(err)
	}
	if a.Local != "perché" {
		t.Errorf("Local = %q; want the precomposed form", a.Local)
	}
}

func TestParseRejectsEachProblemWithItsCode(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	// 4 labels of 63 + dots = 255 octets: every label fits but the name does not.
	longDomain := long(63) + "." + long(63) + "." + long(63) + "." + long(61) + ".it"
	cases := []struct {
		name, in, code string
	}{
		{"empty", "", CodeEmpty},
		{"only blanks", "  \t ", CodeEmpty},
		{"invalid utf-8", "mario\xff@libero.it", CodeEncoding},
		{"no at", "mario.rossi.libero.it", CodeNoAt},
		{"quoted then no at", `"mario"libero.it`, CodeNoAt},
		{"two at", "mario@rossi@libero.it", CodeTwoAt},
		{"at after quoted local", `"a"@b@libero.it`, CodeTwoAt},
		{"inner space", "mario rossi@libero.it", CodeSpace},
		{"space after at", "mario@ libero.it", CodeSpace},
		{"no-break space", "mario\u00a0rossi@libero.it", CodeSpace},
		{"inner tab", "mario\t@libero.it", CodeSpace},
		{"line feed", "mario@libero.it\n", CodeCRLF},
		{"carriage return", "mario@libero.it\r\nBcc: x@y.z", CodeCRLF},
		{"nul", "mario\x00@libero.it", CodeControl},
		{"escape", "mario\x1b@libero.it", CodeControl},
		{"delete", "mario\x7f@libero.it", CodeControl},
		{"bidi override", "mario\u202e@libero.it", CodeControl},
		{"empty local", "@libero.it", CodeEmptyLocal},
		{"empty domain", "mario@", CodeEmptyDomain},
		{"local too long", long(65) + "@libero.it", CodeLocalTooLong},
		{"label too long", "mario@" + long(64) + ".it", CodeLabelTooLong},
		{"idn label too long", "mario@" + strings.Repeat("à", 60) + ".it", CodeLabelTooLong},
		{"domain too long", "m@" + longDomain, CodeDomainTooLong},
		{"address too long", long(64) + "@" + long(63) + "." + long(63) + "." + long(59) + ".it", CodeAddressTooLong},
		{"absurdly long input", strings.Repeat("a@", 10000), CodeAddressTooLong},
		{"double dot in domain", "mario@libero..it", CodeBadDomain},
		{"leading dot in domain", "mario@.libero.it", CodeBadDomain},
		{"trailing dot in domain", "mario@libero.it.", CodeBadDomain},
		{"leading hyphen", "mario@-libero.it", CodeBadDomain},
		{"trailing hyphen", "mario@libero-.it", CodeBadDomain},
		{"underscore in domain", "mario@lib_ero.it", CodeBadDomain},
		{"bad punycode", "mario@xn--zz.it", CodeBadDomain},
		{"comma in domain", "mario@libero,it", CodeBadDomain},
		{"ipv4 literal", "mario@[192.0.2.1]", CodeDomainLiteral},
		{"ipv6 literal", "mario@[IPv6:2001:db8::1]", CodeDomainLiteral},
		{"bare ipv4", "mario@192.0.2.1", CodeDomainLiteral},
		{"leading dot in local", ".mario@libero.it", CodeBadLocal},
		{"trailing dot in local", "mario.@libero.it", CodeBadLocal},
		{"double dot in local", "mario..rossi@libero.it", CodeBadLocal},
		{"comma in local", "mario,rossi@libero.it", CodeBadLocal},
		{"angle bracket", "<mario@libero.it>", CodeBadLocal},
		{"unclosed quote", `"mario@libero.it`, CodeBadLocal},
		{"stray quote", `ma"rio@libero.it`, CodeBadLocal},
		{"single label", "mario@localhost", CodeSingleLabel},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(c.in)
			var ae *Error
			if !errors.As(err, &ae) {
				t.Fatalf("Parse(%q) error = %v; want *Error with code %q", c.in, err, c.code)
			}
			if ae.Code != c.code {
				t.Errorf("Parse(%q) code = %q (%v); want %q", c.in, ae.Code, err, c.code)
			}
		})
	}
}

// Every code must have an English and an Italian sentence, not the key.
func TestEveryErrorCodeHasASentenceInBothLanguages(t *testing.T) {
	for _, code := range Codes {
		for _, lng := range i18n.Languages {
			key := "address.err." + code
			msg := i18n.TIn(lng, key, map[string]any{"Part": "x", "Length": 70, "Limit": 64})
			if msg == key || msg == "" {
				t.Errorf("%s: no %s text", key, lng)
			}
			if strings.Contains(msg, "<no value>") || strings.Contains(msg, "{{") {
				t.Errorf("%s (%s): template not filled: %q", key, lng, msg)
			}
		}
	}
}

func TestErrorMessageNamesTheLimit(t *testing.T) {
	_, err := Parse(strings.Repeat("a", 70) + "@libero.it")
	if err == nil || !strings.Contains(err.Error(), "70") || !strings.Contains(err.Error(), "64") {
		t.Errorf("error %q should give the length 70 and the limit 64", err)
	}
	// The error keeps its code and data; the front end says it in the
	// person's language.
	if msg := i18n.ErrorText(err, i18n.For("it")); !strings.Contains(msg, "massimo") || !strings.Contains(msg, "70") {
		t.Errorf("error %q should be in Italian", msg)
	}
}

// checkInvariants is the property every successful Parse must satisfy.
func checkInvariants(t *testing.T, in string, a Address) {
	t.Helper()
	if a.Raw != in {
		t.Fatalf("Raw %q != input %q", a.Raw, in)
	}
	if a.Local == "" || len(a.Local) > MaxLocal {
		t.Fatalf("%q: bad local %q", in, a.Local)
	}
	if len(a.Domain) > MaxDomain || len(a.String()) > MaxAddress {
		t.Fatalf("%q: too long %q", in, a.String())
	}
	if !strings.Contains(a.Domain, ".") {
		t.Fatalf("%q: single-label domain %q", in, a.Domain)
	}
	for _, l := range strings.Split(a.Domain, ".") {
		if l == "" || len(l) > MaxLabel || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			t.Fatalf("%q: bad label %q in %q", in, l, a.Domain)
		}
	}
	for _, r := range a.Domain {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.') {
			t.Fatalf("%q: domain %q is not lowercase LDH ASCII", in, a.Domain)
		}
	}
	if !utf8.ValidString(a.Local) || strings.ContainsAny(a.Local, "\r\n\x00") {
		t.Fatalf("%q: local %q has forbidden characters", in, a.Local)
	}
	again, err := Parse(a.String())
	if err != nil || again.Domain != a.Domain || again.Local != a.Local {
		t.Fatalf("%q: re-parsing %q gave %+v, %v", in, a.String(), again, err)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"mario.rossi@libero.it", "mario@città.it", `"a b"@example.com`, `"a@b"@c.it`,
		"a@[1.2.3.4]", "a@localhost", "a..b@c.it", "a@b..c", "@", "", "\x00", "a@b.c\r\n",
		"用户@例子.中国", "x@xn--citt-3na.it", "x@-a.it", `"\"@a.it`, `"`, "a@\u3002.it",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		a, err := Parse(in)
		if err != nil {
			var ae *Error
			if !errors.As(err, &ae) || ae.Code == "" {
				t.Fatalf("Parse(%q) returned a non-*Error %v", in, err)
			}
			_ = err.Error()
			return
		}
		checkInvariants(t, in, a)
	})
}
