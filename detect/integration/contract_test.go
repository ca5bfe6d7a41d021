package integration

// The JSON documents of `postino detect --json` and `postino check --json`
// as docs/json.md publishes them. They are declared here, not imported
// from detect, so these tests hold the binary to the public contract
// rather than to whatever the Go types happen to say.

type detectDoc struct {
	Address    string      `json:"address"`
	Domain     string      `json:"domain"`
	Sources    []sourceDoc `json:"sources"`
	Candidates []candDoc   `json:"candidates"`
}

type sourceDoc struct {
	Name       string `json:"name"`
	URL        string `json:"url"`
	Trusted    bool   `json:"trusted"`
	Trust      string `json:"trust"`
	Status     string `json:"status"`
	Error      string `json:"error"`
	Candidates int    `json:"candidates"`
}

type candDoc struct {
	Protocol string   `json:"protocol"`
	Host     string   `json:"host"`
	Port     int      `json:"port"`
	Security string   `json:"security"`
	Username string   `json:"username"`
	Sources  []string `json:"sources"`
	Trusted  bool     `json:"trusted"`
}

type checkDoc struct {
	detectDoc
	Probes      []probeDoc `json:"probes"`
	Recommended struct {
		Incoming     *choiceDoc  `json:"incoming"`
		Outgoing     *choiceDoc  `json:"outgoing"`
		Alternatives []choiceDoc `json:"alternatives"`
		Reasons      []struct {
			Code string `json:"code"`
			For  string `json:"for"`
			Text string `json:"text"`
		} `json:"reasons"`
	} `json:"recommended"`
}

type probeDoc struct {
	Protocol     string `json:"protocol"`
	Host         string `json:"host"`
	Port         int    `json:"port"`
	Security     string `json:"security"`
	Reachability string `json:"reachability"`
	Greeting     string `json:"greeting"`
	TLS          *struct {
		Version  string `json:"version"`
		Verified bool   `json:"verified"`
		Error    string `json:"error"`
	} `json:"tls"`
	StartTLSOffered *bool    `json:"starttls_offered"`
	AuthMechanisms  []string `json:"auth_mechanisms"`
	Login           string   `json:"login"`
	Status          string   `json:"status"`
	Problem         *struct {
		Code        string `json:"code"`
		Explanation string `json:"explanation"`
		Remedy      string `json:"remedy"`
	} `json:"problem"`
	ElapsedMS  int64 `json:"elapsed_ms"`
	Transcript []struct {
		Dir  string `json:"dir"`
		Text string `json:"text"`
	} `json:"transcript"`
}

type choiceDoc struct {
	Protocol string `json:"protocol"`
	Host     string `json:"host"`
	Port     int    `json:"port"`
	Security string `json:"security"`
	Username string `json:"username"`
	Verified bool   `json:"verified"`
	Login    string `json:"login"`
}

// endpoint names a probe or candidate the way the tests write them.
type endpoint struct {
	Protocol, Host string
	Port           int
	Security       string
}

func (p probeDoc) endpoint() endpoint { return endpoint{p.Protocol, p.Host, p.Port, p.Security} }
func (c candDoc) endpoint() endpoint  { return endpoint{c.Protocol, c.Host, c.Port, c.Security} }
func (c choiceDoc) endpoint() endpoint {
	return endpoint{c.Protocol, c.Host, c.Port, c.Security}
}
