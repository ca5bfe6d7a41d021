package address

import (
	"strings"
	"testing"
)

func TestIsServerHostAcceptsPublishedNamesAndRefusesBrokenOnes(t *testing.T) {
	cases := []struct {
		host string
		ok   bool
	}{
		{"imap.libero.it", true},
		{"smtp-mail.outlook.com", true},
		{"mail_1.example.com", true},
		{"192.0.2.1", true},
		{"xn--citt-3na.it", true},
		{"localhost", true},
		{strings.Repeat("a", MaxLabel) + ".it", true},
		{"", false},
		{"imap..libero.it", false},
		{".libero.it", false},
		{"libero.it.", false},
		{"-imap.libero.it", false},
		{"imap-.libero.it", false},
		{strings.Repeat("a", MaxLabel+1) + ".it", false},
		{strings.Repeat("a.", MaxDomain/2) + "it", false},
		{"IMAP.libero.it", false}, // callers lowercase first
		{"imap libero.it", false},
		{"imap.libero.it:993", false},
		{"città.it", false},
		{"[::1]", false},
		{"%EMAILDOMAIN%", false},
	}
	for _, c := range cases {
		if got := IsServerHost(c.host); got != c.ok {
			t.Errorf("IsServerHost(%q) = %v, want %v", c.host, got, c.ok)
		}
	}
}
