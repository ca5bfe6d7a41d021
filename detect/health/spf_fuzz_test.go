package health

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect/labtest"
)

// FuzzSPFVerdictDoesNotDependOnTXTStrings runs the whole SPF path, from
// the bytes published in DNS to the check's verdict, for arbitrary record
// text. The same record is served by two zones, once cut into strings
// only where the 255-byte limit forces it and once cut at the places the
// fuzzer picks: receivers join the strings with nothing between them (RFC
// 7208 §3.3), so the two checks must agree on everything they say.
func FuzzSPFVerdictDoesNotDependOnTXTStrings(f *testing.F) {
	for _, seed := range []string{
		"v=spf1 mx include:_spf.provider.test -all",
		"v=spf1 a:foo:bar/baz.example.com/24//64 ip4:192.0.2.0/24 ~all",
		"v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} redirect=_spf.provider.test",
		"v=spf1 a:foo.1 -all",
		"v=spf1 mx\t-all",
		"v=spf1 a:posta.città.example -all",
		`v=spf1 mx -all x-note=a\"b\\c`,
		"v=spf1 include:r0.fuzz.test include:r1.fuzz.test ?all",
		"not spf at all",
	} {
		f.Add(seed, uint16(7), uint16(12))
	}
	// Two zones, replaced every labRounds inputs: a zone keeps every
	// record published in it, and a zone of thousands of names would
	// make each lookup slower than the last.
	const labRounds = 300
	var whole, split *labtest.Lab
	closeLabs := func() {
		if whole != nil {
			whole.Close()
			split.Close()
		}
	}
	f.Cleanup(closeLabs)
	n := 0
	f.Fuzz(func(t *testing.T, record string, cut1, cut2 uint16) {
		if len(record) > 1500 {
			t.Skip("longer than any real record")
		}
		if n%labRounds == 0 {
			closeLabs()
			var err error
			if whole, err = labtest.Start(labtest.Options{}); err != nil {
				t.Fatal(err)
			}
			if split, err = labtest.Start(labtest.Options{}); err != nil {
				whole.Close()
				whole = nil
				t.Fatal(err)
			}
			for _, lab := range []*labtest.Lab{whole, split} {
				lab.TXT("_spf.provider.test", "v=spf1 ip4:192.0.2.0/24 ~all")
				lab.Host("foo:bar/baz.example.com")
			}
		}
		nwWhole, nwSplit := whole.Network(), split.Network()
		// A fresh name each time: records published by earlier inputs
		// stay, identically in both zones, as include targets.
		name := fmt.Sprintf("r%d.fuzz.test", n)
		n++
		publishTXT(whole, name, record, every255(len(record), nil)...)
		publishTXT(split, name, record, every255(len(record), []int{int(cut1) % (len(record) + 1), int(cut2) % (len(record) + 1)})...)
		a := checkSPF(testCtx(t), nwWhole, name)
		b := checkSPF(testCtx(t), nwSplit, name)
		a.ElapsedMS, b.ElapsedMS = 0, 0
		if !reflect.DeepEqual(render(a), render(b)) {
			t.Fatalf("record %q: the verdict depends on how it was cut into strings\nwhole: %s %s\n%s\nsplit: %s %s\n%s",
				record, a.Verdict, a.Code, dump(a), b.Verdict, b.Code, dump(b))
		}
		if len(a.Records) == 1 && a.Records[0] != record {
			t.Fatalf("record %q shown as %q", record, a.Records[0])
		}
	})
}

// every255 returns cut points that keep each string within 255 bytes,
// together with the extra cuts asked for, in order.
func every255(n int, extra []int) []int {
	var cuts []int
	last := 0
	add := func(c int) {
		for c-last > 255 {
			last += 255
			cuts = append(cuts, last)
		}
		if c > last {
			cuts = append(cuts, c)
			last = c
		}
	}
	for _, c := range extra {
		if c > last {
			add(c)
		}
	}
	add(n)
	return cuts
}

// render is everything a check says, in both languages.
func render(c Check) []string {
	out := []string{string(c.Verdict), c.Code}
	for _, tx := range append([]Text{c.Summary, c.Explanation, c.Remedy}, c.Details...) {
		out = append(out, tx.In(i18n.For("en")), tx.In(i18n.For("it")))
	}
	return append(out, c.Records...)
}
