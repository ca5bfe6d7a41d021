package export

import (
	"encoding/xml"
	"strings"
	"testing"

	"github.com/postino-mail/postino/detect/mail"
)

func decodeAutodiscover(t *testing.T, data []byte) adRoot {
	t.Helper()
	var doc adRoot
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestAutodiscoverUsesOutlooksNamespacesAndMeaningOfEncryption(t *testing.T) {
	s := fixtures()["tiscali"] // POP3 over implicit TLS, SMTP with STARTTLS
	doc := decodeAutodiscover(t, must(Autodiscover(s, Options{})))
	if doc.XMLName.Space != adResponseNS {
		t.Errorf("root namespace %q", doc.XMLName.Space)
	}
	if doc.Response.Account.AccountType != "email" || doc.Response.Account.Action != "settings" {
		t.Errorf("account %+v", doc.Response.Account)
	}
	want := []adProtocol{
		{Type: "POP3", Server: "pop.tiscali.it", Port: 995, DomainRequired: "off", LoginName: "utente", SPA: "off", SSL: "on", AuthRequired: "on", Encryption: "SSL"},
		{Type: "SMTP", Server: "smtp.tiscali.it", Port: 587, DomainRequired: "off", LoginName: "utente", SPA: "off", SSL: "on", AuthRequired: "on", Encryption: "TLS"},
	}
	got := doc.Response.Account.Protocols
	if len(got) != len(want) {
		t.Fatalf("protocols %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("protocol %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

// TestAutodiscoverResponseElementIsInTheOutlookNamespace checks the
// namespaces by name, independently of our own struct tags.
func TestAutodiscoverResponseElementIsInTheOutlookNamespace(t *testing.T) {
	var doc struct {
		XMLName  xml.Name
		Response struct {
			XMLName xml.Name
			Account struct {
				Protocol []struct {
					XMLName xml.Name
				}
			}
		} `xml:"Response"`
	}
	if err := xml.Unmarshal(must(Autodiscover(fixtures()["libero"], Options{})), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.XMLName != (xml.Name{Space: adResponseNS, Local: "Autodiscover"}) ||
		doc.Response.XMLName != (xml.Name{Space: adOutlookNS, Local: "Response"}) ||
		len(doc.Response.Account.Protocol) == 0 || doc.Response.Account.Protocol[0].XMLName.Space != adOutlookNS {
		t.Errorf("names: %+v", doc)
	}
}

func TestAutodiscoverEncryptionTable(t *testing.T) {
	for _, tc := range []struct {
		sec       mail.Security
		ssl, encr string
	}{
		{mail.TLS, "on", "SSL"},
		{mail.STARTTLS, "on", "TLS"},
		{mail.Plain, "off", "None"},
	} {
		s := fixtures()["libero"]
		s.Incoming.Security = tc.sec
		p := decodeAutodiscover(t, must(Autodiscover(s, Options{}))).Response.Account.Protocols[0]
		if p.SSL != tc.ssl || p.Encryption != tc.encr {
			t.Errorf("%s: SSL %s Encryption %s, want %s %s", tc.sec, p.SSL, p.Encryption, tc.ssl, tc.encr)
		}
	}
}

func TestAutodiscoverAddsTheOtherIncomingProtocolAfterTheChosenOnes(t *testing.T) {
	ps := decodeAutodiscover(t, must(Autodiscover(fixtures()["libero"], Options{}))).Response.Account.Protocols
	if len(ps) != 3 || ps[0].Type != "IMAP" || ps[0].Port != 993 || ps[1].Type != "SMTP" || ps[2].Type != "POP3" {
		t.Errorf("protocols %+v", ps)
	}
}

func TestAutodiscoverSaysNoLoginOnlyForRelaysWithoutAuth(t *testing.T) {
	s := fixtures()["escaping"] // SMTP with auth none
	ps := decodeAutodiscover(t, must(Autodiscover(s, Options{}))).Response.Account.Protocols
	if ps[0].AuthRequired != "on" || ps[1].AuthRequired != "off" {
		t.Errorf("AuthRequired %s/%s, want on/off", ps[0].AuthRequired, ps[1].AuthRequired)
	}
}

// TestAutodiscoverSPAOnlyForNTLMAndSchemaOrder: SPA (NTLM) is on only
// where NTLM is how the server takes a password, and each Protocol's
// children follow the order of Microsoft's POX reference.
func TestAutodiscoverSPAOnlyForNTLMAndSchemaOrder(t *testing.T) {
	s := fixtures()["libero"]
	s.Incoming.Auth = []mail.Auth{mail.AuthNTLM}
	s.Outgoing.Auth = []mail.Auth{mail.AuthNTLM, mail.AuthPasswordCleartext}
	ps := decodeAutodiscover(t, must(Autodiscover(s, Options{}))).Response.Account.Protocols
	if ps[0].SPA != "on" || ps[1].SPA != "off" {
		t.Errorf("SPA %s/%s, want on (NTLM only) / off (password offered)", ps[0].SPA, ps[1].SPA)
	}
	out := string(must(Autodiscover(s, Options{})))
	order := []string{"<Type>", "<Server>", "<Port>", "<LoginName>", "<DomainRequired>", "<SPA>", "<SSL>", "<AuthRequired>", "<Encryption>"}
	block := out[strings.Index(out, "<Protocol>"):strings.Index(out, "</Protocol>")]
	last := -1
	for _, el := range order {
		i := strings.Index(block, el)
		if i < 0 || i < last {
			t.Fatalf("%s out of the schema's order in:\n%s", el, block)
		}
		last = i
	}
}
