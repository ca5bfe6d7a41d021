package autoconfig

import (
	"os"
	"testing"
)

func TestExpandHostsFillsTheDomainIntoTemplatedHostNames(t *testing.T) {
	data, err := os.ReadFile("testdata/hosting-template.xml")
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	e := ExpandHosts(p, "mario", "studio-rossi.it")
	if got := e.Incoming[0].Host; got != "mail.studio-rossi.it" {
		t.Errorf("incoming host %q", got)
	}
	if got := e.Outgoing[0].Host; got != "mail.studio-rossi.it" {
		t.Errorf("outgoing host %q", got)
	}
	if e.Incoming[0].Username != "%EMAILLOCALPART%@%EMAILDOMAIN%" {
		t.Errorf("user name template changed: %q", e.Incoming[0].Username)
	}
	if p.Incoming[0].Host != "mail.%EMAILDOMAIN%" {
		t.Errorf("ExpandHosts changed its input: %q", p.Incoming[0].Host)
	}
}

func TestExpandHostsDropsHostsThatStayInvalid(t *testing.T) {
	data, _ := os.ReadFile("testdata/hosting-template.xml")
	p, _, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	e := ExpandHosts(p, "mario", "bad domain")
	if len(e.Incoming)+len(e.Outgoing) != 0 {
		t.Errorf("kept %v %v", e.Incoming, e.Outgoing)
	}
	if ExpandHosts(nil, "a", "b.it") != nil {
		t.Error("nil provider should stay nil")
	}
}
