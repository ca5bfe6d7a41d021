package tags

import "testing"

func TestParseSplitsTagsAndRejectsDuplicates(t *testing.T) {
	l, err := Parse(" v = DKIM1 ; K=rsa;p=abc= ;")
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := l.Get("k"); v != "rsa" || l.First().Name != "v" || len(l) != 3 {
		t.Errorf("got %+v", l)
	}
	if p, _ := l.Get("p"); p != "abc=" {
		t.Errorf("value with '=' inside: %q", p)
	}
	for _, s := range []string{"a=1; a=2", "novalue", "=x", "a b=1"} {
		if _, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) accepted a broken list", s)
		}
	}
}

func TestHasVersionWantsVersionFirst(t *testing.T) {
	for s, want := range map[string]bool{"v=DMARC1; p=none": true, " V = dmarc1": true, "p=none; v=DMARC1": false, "v=DMARC10": false} {
		if HasVersion(s, "DMARC1") != want {
			t.Errorf("HasVersion(%q) = %v", s, !want)
		}
	}
}
