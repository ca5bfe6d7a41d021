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

// TestParseFollowsRFC7208 holds one record per permerror condition of a
// record's own text (RFC 7208 §3.1, §4.6.1, §5, §6, §7.1, §12) and per
// valid form that a too-simple parser gets wrong. Code "" means valid.
func TestParseFollowsRFC7208(t *testing.T) {
	cases := []struct {
		txt, code string
	}{
		// §7.1 domain-spec: ends in "." and a top label, or in a macro.
		{"v=spf1 a:foo.1 -all", CodeBadDomain},                    // top label only digits
		{"v=spf1 a:192.0.2.10 -all", CodeBadDomain},               // an address where a name belongs
		{"v=spf1 mx:example.-com -all", CodeBadDomain},            // top label starts with "-"
		{"v=spf1 mx:example.com- -all", CodeBadDomain},            // top label ends with "-"
		{"v=spf1 a:localhost -all", CodeBadDomain},                // a single label
		{"v=spf1 a:localhost. -all", CodeBadDomain},               // a final dot does not make it two
		{"v=spf1 a:mail.example.com:25 -all", CodeBadDomain},      // ":" inside the top label
		{"v=spf1 include:spf.example.com/24 -all", CodeBadDomain}, // include takes no prefix length
		{"v=spf1 ptr:example.com/24 -all", CodeBadArgument},       // nor does ptr, even after a domain
		{"v=spf1 exists:example.com/8 -all", CodeBadDomain},       // nor exists
		{"v=spf1 a: -all", CodeBadDomain},                         // empty after ":"
		{"v=spf1 include: -all", CodeBadDomain},                   // empty after ":"
		{"v=spf1 ptr: -all", CodeBadDomain},                       // empty after ":"
		{"v=spf1 -all redirect=", CodeBadDomain},                  // redirect to nothing
		{"v=spf1 -all redirect=nowhere", CodeBadDomain},           // redirect to a single label
		{"v=spf1 -all exp=", CodeBadDomain},                       // explanation from nowhere
		{"v=spf1 -all exp=bad!.top", ""},                          // "!" is a visible character: fine in the middle
		{"v=spf1 -all exp=x.t_p", CodeBadDomain},                  // "_" is not allowed in a top label
		{"v=spf1 a:foo:bar/baz.example.com -all", ""},             // ":" and "/" may appear before the top label
		{"v=spf1 mx:foo:bar/baz.example.com/24//64 -all", ""},     // ...and prefix lengths may still follow
		{"v=spf1 a:mail.xn--80ak6aa92e.example -all", ""},         // an IDN label with dashes
		{"v=spf1 a:mail.example.xn--p1ai -all", ""},               // a top label with dashes
		{"v=spf1 a:example.com. -all", ""},                        // a final dot
		{"v=spf1 a:123.example.co2 -all", ""},                     // digits and a letter in the top label
		{"v=spf1 a:1-2.example.12-34 -all", ""},                   // digits around a dash in the top label
		{"v=spf1 include:%{d}.spf.example.net -all", ""},          // macros before the top label
		{"v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} -all", ""},       // a domain-spec ending in a macro
		{"v=spf1 exists:%{i}._x%%%_%-.example.com -all", ""},      // %%, %_ and %- escapes
		// §7.1 macros.
		{"v=spf1 exists:%(ir).sbl.example.com -all", CodeBadMacro}, // "%" followed by "("
		{"v=spf1 a:foo%.example.com -all", CodeBadMacro},           // "%" followed by "."
		{"v=spf1 a:foo.example.com% -all", CodeBadMacro},           // "%" at the end
		{"v=spf1 a:%{a}.example.com -all", CodeBadMacro},           // no macro letter "a"
		{"v=spf1 a:%{}.example.com -all", CodeBadMacro},            // no letter at all
		{"v=spf1 a:%{d.example.com -all", CodeBadMacro},            // no closing brace
		{"v=spf1 a:%{d0}.example.com -all", CodeBadMacro},          // zero parts
		{"v=spf1 a:%{d2x}.example.com -all", CodeBadMacro},         // "x" is no delimiter
		{"v=spf1 a:%{c}.example.com -all", CodeBadMacro},           // c only in explanations
		{"v=spf1 -all exp=%{r}.example.com", CodeBadMacro},         // r only in the explanation text, not in exp= itself
		{"v=spf1 -all exp=%{t}.example.com", CodeBadMacro},         // t likewise
		{"v=spf1 exists:%{D2R}.example.com -all", ""},              // upper case asks for URL escaping
		// §5.6 prefix lengths and addresses.
		{"v=spf1 ip4:192.0.2.0/032 -all", CodeBadCIDR},   // leading zero
		{"v=spf1 ip4:192.0.2.0/+24 -all", CodeBadCIDR},   // sign
		{"v=spf1 ip4:192.0.2.0/33 -all", CodeBadCIDR},    // too long for IPv4
		{"v=spf1 ip4:192.0.2.0/ -all", CodeBadCIDR},      // empty
		{"v=spf1 ip4:192.0.2.0//32 -all", CodeBadCIDR},   // dual lengths belong to a and mx
		{"v=spf1 ip6:2001:db8::/129 -all", CodeBadCIDR},  // too long for IPv6
		{"v=spf1 ip6:2001:db8::/0064 -all", CodeBadCIDR}, // leading zeros
		{"v=spf1 a/033 -all", CodeBadCIDR},
		{"v=spf1 a/+24 -all", CodeBadCIDR},
		{"v=spf1 mx//129 -all", CodeBadCIDR},
		{"v=spf1 a/24//012 -all", CodeBadCIDR},
		{"v=spf1 a/ -all", CodeBadCIDR},
		{"v=spf1 a:example.com/24/ -all", CodeBadCIDR},
		{"v=spf1 ip4:192.0.2.0/0 a/0//0 -all", ""},
		{"v=spf1 a/24//64 mx//128 a:example.com/32 -all", ""},
		{"v=spf1 ip4:300.0.0.1 -all", CodeBadIP},
		{"v=spf1 ip4:192.0.2 -all", CodeBadIP},
		{"v=spf1 ip4:192.000.2.1 -all", CodeBadIP},
		{"v=spf1 ip4:mail.example.com -all", CodeBadIP},
		{"v=spf1 ip4:2001:db8::1 -all", CodeBadIP},
		{"v=spf1 ip6:192.0.2.1 -all", CodeBadIP},
		{"v=spf1 ip6:::ffff:192.0.2.1 -all", ""}, // an IPv4-mapped IPv6 address is IPv6
		// §5: arguments mechanisms take or need.
		{"v=spf1 all:example.com", CodeBadArgument},
		{"v=spf1 all/24", CodeBadArgument},
		{"v=spf1 ptr/24 -all", CodeBadArgument},
		{"v=spf1 include -all", CodeBadArgument},
		{"v=spf1 include/24 -all", CodeBadArgument},
		{"v=spf1 exists -all", CodeBadArgument},
		{"v=spf1 ip4 -all", CodeBadArgument},
		{"v=spf1 ip6: -all", CodeBadArgument},
		// §4.6.1, §12: terms and modifier names.
		{"v=spf1 frobnicate -all", CodeUnknownTerm},
		{"v=spf1 1up=foo -all", CodeUnknownTerm},          // a modifier name starts with a letter
		{"v=spf1 =foo -all", CodeUnknownTerm},             // and is not empty
		{"v=spf1 -redirect=example.com", CodeUnknownTerm}, // modifiers take no qualifier
		{"v=spf1 moo.cow/far_out=man:dog/cat -all", CodeUnknownTerm},
		{"v=spf1 moo.cow:far_out=man:dog/cat -all", CodeUnknownTerm},
		{"v=spf1 -all 2", CodeUnknownTerm},              // an error after "all" counts too
		{"v=spf1 moo.cow-far_out=man:dog/cat -all", ""}, // a valid unknown modifier is ignored
		{"v=spf1 x-note=%{c}%{r}%{t} -all", ""},
		{"v=spf1 x-note=100% -all", CodeBadMacro}, // but its value must be a valid macro-string
		{"v=spf1 x-note= -all", ""},               // an empty value is a valid macro-string
		{"v=spf1 x=%{q} -all", CodeBadMacro},
		// §6: redirect and exp at most once.
		{"v=spf1 redirect=a.example.com redirect=b.example.com", CodeDuplicateModifier},
		{"v=spf1 -all exp=a.example.com EXP=b.example.com", CodeDuplicateModifier},
		{"v=spf1 REDIRECT=_spf.example.com", ""}, // names are case-insensitive
		// §3.1, §4.6.1: characters and separators.
		{"v=spf1 a:\xef\xbb\xbfmail.example.com -all", CodeBadCharacter},
		{"v=spf1 \x80a:example.net -all", CodeBadCharacter},
		{"v=spf1 a:example.net \x96all", CodeBadCharacter},
		{"v=spf1 a:città.example -all", CodeBadCharacter},
		{"v=spf1 a:ex\x00ample.com -all", CodeBadCharacter},
		{"v=spf1 a:example.com\x7f -all", CodeBadCharacter},
		{"v=spf1 a:mail.example.com\rptr -all", CodeBadSeparator},
		{"v=spf1 mx\t-all", CodeBadSeparator},
		{"v=spf1 mx\n-all", CodeBadSeparator},
		{"v=spf1 mx -all\r\n", CodeBadSeparator},
		{"v=spf1  mx   -all  ", ""}, // several spaces and trailing spaces are fine
		{"v=spf1", ""},              // nothing at all: neutral, but valid
		{"V=SPF1 MX -ALL", ""},
	}
	for _, tc := range cases {
		txt := tc.txt
		_, err := Parse(txt)
		got := ""
		if err != nil {
			se, ok := err.(*SyntaxError)
			if !ok {
				t.Errorf("Parse(%q): %T %v, want *SyntaxError", txt, err, err)
				continue
			}
			got = se.Code
		}
		if got != tc.code {
			t.Errorf("Parse(%q) = %q (%v), want %q", txt, got, err, tc.code)
		}
	}
}

func TestSyntaxErrorNamesTheTerm(t *testing.T) {
	_, err := Parse("v=spf1 mx a:foo.1 -all")
	se, ok := err.(*SyntaxError)
	if !ok || se.Term != "a:foo.1" || !strings.Contains(se.Error(), "a:foo.1") {
		t.Fatalf("error %v does not name the term", err)
	}
	_, err = Parse("v=spf1 mx a:mail.example.com\rptr -all")
	if se, ok := err.(*SyntaxError); !ok || se.Term != "a:mail.example.com\rptr" {
		t.Fatalf("separator error %#v does not name the term around the bad byte", err)
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
			return
		}
		if _, ok := err.(*SyntaxError); !ok {
			t.Fatalf("Parse(%q): %T, want *SyntaxError", s, err)
		}
	})
}
