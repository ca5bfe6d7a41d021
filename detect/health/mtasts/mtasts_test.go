package mtasts

import (
	"testing"
)

func TestParseRecordNeedsAnID(t *testing.T) {
	if r, err := ParseRecord("v=STSv1; id=20160831085700Z"); err != nil || r.ID != "20160831085700Z" {
		t.Errorf("got %+v, %v", r, err)
	}
	for _, txt := range []string{"v=STSv1;", "v=STSv1; id=", "v=STSv1; id=has-dash", "v=STSv1; id=123456789012345678901234567890123", "v=STSv2; id=1"} {
		if _, err := ParseRecord(txt); err == nil {
			t.Errorf("ParseRecord(%q) accepted a broken record", txt)
		}
	}
}

func TestParsePolicyReadsRFCExample(t *testing.T) {
	// RFC 8461 §3.2 example.
	p, err := ParsePolicy([]byte("version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\nmx: backupmx.example.com\r\nmax_age: 604800\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Mode != "enforce" || p.MaxAge != 604800 || len(p.MX) != 3 {
		t.Errorf("got %+v", p)
	}
	for host, want := range map[string]bool{
		"mail.example.com": true, "MAIL.example.com.": true, "backupmx.example.com": true,
		"mx1.example.net": true, "example.net": false, "a.b.example.net": false,
		"other.example.com": false,
	} {
		if p.Matches(host) != want {
			t.Errorf("Matches(%q) = %v, want %v", host, !want, want)
		}
	}
}

func TestParsePolicyRejectsBrokenFiles(t *testing.T) {
	for _, body := range []string{
		"",
		"version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 1\n",
		"version: STSv1\nmode: strict\nmx: a.example\nmax_age: 1\n",
		"version: STSv1\nmode: enforce\nmax_age: 1\n",
		"version: STSv1\nmode: enforce\nmx: a.example\n",
		"version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 99999999\n",
		"version: STSv1\nmode: enforce\nmode: testing\nmx: a.example\nmax_age: 1\n",
		"<html>not a policy</html>",
	} {
		if _, err := ParsePolicy([]byte(body)); err == nil {
			t.Errorf("ParsePolicy(%q) accepted a broken file", body)
		}
	}
}

func FuzzParsePolicy(f *testing.F) {
	f.Add([]byte("version: STSv1\nmode: enforce\nmx: *.example.com\nmax_age: 86400\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if p, err := ParsePolicy(b); err == nil {
			p.Matches("mx.example.com")
		}
	})
}

func TestParseErrorsSayWhichFieldIsWrong(t *testing.T) {
	for body, field := range map[string]string{
		"version: STSv1\nmode: strict\nmx: a.example\nmax_age: 86400\n":      "mode",
		"version: STSv1\nmx: a.example\nmax_age: 86400\n":                    "mode",
		"version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 31557601\n":  "max_age",
		"version: STSv1\nmode: enforce\nmx: a.example\nmax_age: +86400\n":    "max_age",
		"version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -1\n":        "max_age",
		"version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 1 week\n":    "max_age",
		"version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 99999999999": "max_age",
		"version: STSv1\nmode: enforce\nmx: a.example\n":                     "max_age",
		"version: STSv1\nmode: enforce\nmax_age: 86400\n":                    "mx",
		"mode: enforce\nmx: a.example\nmax_age: 86400\n":                     "version",
		"version: STSv1\nmode enforce\n":                                     "",
	} {
		_, err := ParsePolicy([]byte(body))
		pe, ok := err.(*PolicyError)
		if !ok || pe.Field != field {
			t.Errorf("ParsePolicy(%q) = %#v, want a *PolicyError for %q", body, err, field)
		}
	}
	for _, ok := range []string{"0", "31557600", "604800"} {
		if _, err := ParsePolicy([]byte("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: " + ok + "\n")); err != nil {
			t.Errorf("max_age %s: %v", ok, err)
		}
	}
	if _, err := ParseRecord("v=STSv1;"); err != ErrNoID {
		t.Errorf("record without id: %v, want ErrNoID", err)
	}
}
