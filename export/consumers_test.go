package export

// Acceptance rules of the programs that read our files, written from
// their own sources (in our words, not their code):
//
//   - Thunderbird for Android, RealAutoconfigParser.kt and
//     HostNameUtils.kt (thunderbird/thunderbird-android);
//   - Thunderbird desktop, readFromXML.sys.mjs, Sanitizer.sys.mjs and
//     hostnameUtils.sys.mjs (mozilla/releases-comm-central);
//   - Apple's schema for profiles, TopLevel.yaml and
//     com.apple.mail.managed.yaml (apple/device-management).
//
// Every golden export and a property test over generated settings must
// pass all three.

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"regexp"
	"strconv"
	"strings"

	"howett.net/plist"
)

// xmlNode is a parsed element: name, attributes, text and children, so
// the checkers can walk the document the way JXON and a pull parser see
// it.
type xmlNode struct {
	name     string
	attrs    map[string]string
	text     string
	children []*xmlNode
}

func (n *xmlNode) all(name string) []*xmlNode {
	var out []*xmlNode
	for _, c := range n.children {
		if c.name == name {
			out = append(out, c)
		}
	}
	return out
}

func (n *xmlNode) first(name string) *xmlNode {
	if l := n.all(name); len(l) > 0 {
		return l[0]
	}
	return nil
}

func parseXMLTree(data []byte) (*xmlNode, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	var stack []*xmlNode
	var root *xmlNode
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &xmlNode{name: t.Name.Local, attrs: map[string]string{}}
			for _, a := range t.Attr {
				n.attrs[a.Name.Local] = a.Value
			}
			if len(stack) > 0 {
				stack[len(stack)-1].children = append(stack[len(stack)-1].children, n)
			} else if root == nil {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(t)
			}
		}
	}
	if root == nil {
		return nil, fmt.Errorf("no root element")
	}
	return root, nil
}

// thunderbirdHostRE is the host-name rule both Thunderbirds share: LDH
// labels (letters, digits, inner hyphens, at most 63), optional final
// dot, at most 255 characters. No underscore.
var thunderbirdHostRE = regexp.MustCompile(`^(?i)(([a-z0-9]|[a-z0-9][a-z0-9-]{0,61}[a-z0-9])\.)*([a-z0-9]|[a-z0-9][a-z0-9-]{0,61}[a-z0-9])\.?$`)

// thunderbirdLegalHost: an IPv4 address in dotted decimal whose first
// number is not 0, an IPv6 address that is not all zeros (no zone), or a
// host name by the rule above. Surrounding spaces are trimmed first.
func thunderbirdLegalHost(h string) bool {
	h = strings.TrimSpace(h)
	parts := strings.Split(h, ".")
	if len(parts) == 4 {
		ok := true
		for i, p := range parts {
			n, err := strconv.Atoi(p)
			if err != nil || n < 0 || n > 255 || (len(p) > 1 && p[0] == '0') || (i == 0 && n == 0) {
				ok = false
			}
		}
		if ok {
			return true
		}
	}
	if strings.Count(h, ":") >= 2 && !strings.Contains(h, "%") {
		if ip := net.ParseIP(h); ip != nil && !ip.IsUnspecified() {
			return true
		}
	}
	return len(h) <= 255 && thunderbirdHostRE.MatchString(h)
}

// replaceVariables substitutes the placeholders as both readers do.
func replaceVariables(s, address string) string {
	at := strings.LastIndexByte(address, '@')
	return strings.NewReplacer("%EMAILDOMAIN%", address[at+1:], "%EMAILLOCALPART%", address[:at], "%EMAILADDRESS%", address).Replace(s)
}

// checkThunderbirdAndroid applies Thunderbird for Android's reader: an
// error means the app rejects the whole file. It reads the first
// incomingServer of type imap and the first outgoingServer of type smtp,
// but every one of those types is parsed, and any bad value in any of
// them is fatal. Servers of other types (pop3) are skipped unread.
func checkThunderbirdAndroid(data []byte, address string) error {
	root, err := parseXMLTree(data)
	if err != nil {
		return fmt.Errorf("XML: %w", err)
	}
	if root.name != "clientConfig" {
		return fmt.Errorf("missing clientConfig")
	}
	p := root.first("emailProvider")
	if p == nil {
		return fmt.Errorf("missing emailProvider")
	}
	id, ok := p.attrs["id"]
	if !ok || !thunderbirdLegalHost(id) {
		return fmt.Errorf("emailProvider id %q missing or not a host name", id)
	}
	domainOK := false
	for _, d := range p.all("domain") {
		domainOK = domainOK || thunderbirdLegalHost(replaceVariables(d.text, address))
	}
	if !domainOK {
		return fmt.Errorf("no valid domain element")
	}
	check := func(n *xmlNode, wantType string) (bool, error) {
		if n.attrs["type"] != wantType {
			return false, nil
		}
		for _, c := range n.children {
			if len(c.children) > 0 && (c.name == "hostname" || c.name == "port" || c.name == "username" || c.name == "authentication" || c.name == "socketType") {
				return false, fmt.Errorf("%s: element inside text element %s", wantType, c.name)
			}
		}
		h := n.first("hostname")
		if h == nil || !thunderbirdLegalHost(replaceVariables(h.text, address)) {
			return false, fmt.Errorf("%s: hostname missing or invalid", wantType)
		}
		port := n.first("port")
		if port == nil {
			return false, fmt.Errorf("%s: port missing", wantType)
		}
		if v, err := strconv.Atoi(port.text); err != nil || v < 0 || v > 65535 {
			return false, fmt.Errorf("%s: invalid port %q", wantType, port.text)
		}
		if n.first("username") == nil {
			return false, fmt.Errorf("%s: username missing", wantType)
		}
		known := 0
		for _, a := range n.all("authentication") {
			switch a.text {
			case "OAuth2", "password-cleartext", "password-encrypted":
				known++
			}
		}
		if known == 0 {
			return false, fmt.Errorf("%s %s: no usable authentication", wantType, h.text)
		}
		var socket string
		for _, s := range n.all("socketType") {
			socket = s.text // the last one read wins
			if socket != "SSL" && socket != "STARTTLS" {
				return false, fmt.Errorf("%s %s: socketType %q", wantType, h.text, socket)
			}
		}
		if socket == "" {
			return false, fmt.Errorf("%s %s: socketType missing", wantType, h.text)
		}
		return true, nil
	}
	var in, out bool
	for _, n := range p.all("incomingServer") {
		ok, err := check(n, "imap")
		if err != nil {
			return err
		}
		in = in || ok
	}
	for _, n := range p.all("outgoingServer") {
		ok, err := check(n, "smtp")
		if err != nil {
			return err
		}
		out = out || ok
	}
	if !in {
		return errNoIMAPForAndroid
	}
	if !out {
		return fmt.Errorf("missing outgoingServer")
	}
	return nil
}

// errNoIMAPForAndroid: the file is well formed but offers Android no IMAP
// server (POP3 only), so the app asks for settings by hand.
var errNoIMAPForAndroid = fmt.Errorf("missing incomingServer of type imap")

// tbDesktopKnownOAuth are the entries of Thunderbird desktop's OAuth2
// provider table for mail; a host matches itself or any parent domain.
// For any other host an OAuth2 method is unusable.
var tbDesktopKnownOAuth = []string{
	"googlemail.com", "gmail.com", "imap.mail.ru", "smtp.mail.ru", "imap.yandex.com", "smtp.yandex.com",
	"imap.seznam.cz", "smtp.seznam.cz", "pop3.seznam.cz", "yahoo.com", "att.net", "aol.com",
	"office365.com", "outlook.com", "hotmail.com", "imap.fastmail.com", "pop.fastmail.com", "smtp.fastmail.com",
	"imap.comcast.net", "pop.comcast.net", "smtp.comcast.net", "thundermail.com",
}

func tbDesktopOAuthKnown(host string) bool {
	for _, d := range tbDesktopKnownOAuth {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

// checkThunderbirdDesktop applies Thunderbird desktop's reader and
// returns how many incoming and outgoing servers it keeps and how many
// it drops; an error means it rejects the file.
func checkThunderbirdDesktop(data []byte) (kept, dropped int, err error) {
	root, err := parseXMLTree(data)
	if err != nil {
		return 0, 0, err
	}
	p := root.first("emailProvider")
	if root.name != "clientConfig" || p == nil {
		return 0, 0, fmt.Errorf("no emailProvider")
	}
	hostname := func(s string) (string, bool) {
		s = strings.TrimSpace(s)
		if s == "" {
			return "", false
		}
		if regexp.MustCompile(`^[a-zA-Z0-9\-.]*(%[A-Z0-9]+%[a-zA-Z0-9\-.]*)+$`).MatchString(s) {
			return s, true
		}
		return strings.ToLower(s), thunderbirdLegalHost(s)
	}
	if _, ok := hostname(p.attrs["id"]); !ok {
		return 0, 0, fmt.Errorf("emailProvider id %q", p.attrs["id"])
	}
	domains := 0
	for _, d := range p.all("domain") {
		if _, ok := hostname(d.text); ok {
			domains++
		}
	}
	if domains == 0 {
		return 0, 0, fmt.Errorf("need proper domain")
	}
	read := func(n *xmlNode, types []string, methods map[string]bool) error {
		typ := n.attrs["type"]
		okType := false
		for _, t := range types {
			okType = okType || t == typ
		}
		if !okType {
			return fmt.Errorf("type %q", typ)
		}
		h := n.first("hostname")
		if h == nil {
			return fmt.Errorf("no hostname")
		}
		host, ok := hostname(h.text)
		if !ok {
			return fmt.Errorf("hostname %q", h.text)
		}
		port := n.first("port")
		if port == nil {
			return fmt.Errorf("no port")
		}
		if v, err := strconv.Atoi(strings.TrimSpace(port.text)); err != nil || v < 1 || v > 65535 {
			return fmt.Errorf("port %q", port.text)
		}
		socketOK := false
		for _, s := range n.all("socketType") {
			if s.text == "plain" || s.text == "SSL" || s.text == "STARTTLS" {
				socketOK = true
				break
			}
		}
		if !socketOK {
			return fmt.Errorf("socketType")
		}
		var method string
		for _, a := range n.all("authentication") {
			if methods[a.text] && (a.text != "OAuth2" || tbDesktopOAuthKnown(host)) {
				method = a.text
				break
			}
		}
		if method == "" {
			return fmt.Errorf("%s: no authentication it can use", host)
		}
		if (method == "password-cleartext" || method == "password-encrypted") && n.first("username") == nil {
			return fmt.Errorf("%s: password without username", host)
		}
		return nil
	}
	common := map[string]bool{"password-cleartext": true, "plain": true, "password-encrypted": true, "secure": true, "GSSAPI": true, "NTLM": true, "OAuth2": true}
	outMethods := map[string]bool{"none": true, "client-IP-address": true, "smtp-after-pop": true}
	for k := range common {
		outMethods[k] = true
	}
	var lastErr error
	in := 0
	for _, n := range p.all("incomingServer") {
		if err := read(n, []string{"pop3", "imap", "nntp", "exchange"}, common); err != nil {
			dropped++
			lastErr = err
			continue
		}
		in++
	}
	if in == 0 {
		return 0, dropped, fmt.Errorf("no incoming server: %v", lastErr)
	}
	out := 0
	for _, n := range p.all("outgoingServer") {
		if err := read(n, []string{"smtp"}, outMethods); err != nil {
			dropped++
			lastErr = err
			continue
		}
		out++
	}
	if out == 0 {
		return 0, dropped, fmt.Errorf("no outgoing server: %v", lastErr)
	}
	return in + out, dropped, nil
}

// appleKey is one key of Apple's schema: its plist type and, for
// strings and integers, the allowed values.
type appleKey struct {
	typ      string // string, integer, boolean, data, array, dictionary, date, real
	required bool
	allowed  []any
}

var appleTopLevel = map[string]appleKey{
	"PayloadIdentifier":        {typ: "string", required: true},
	"PayloadUUID":              {typ: "string", required: true},
	"PayloadType":              {typ: "string", required: true, allowed: []any{"Configuration"}},
	"PayloadVersion":           {typ: "integer", required: true, allowed: []any{uint64(1)}},
	"IsEncrypted":              {typ: "boolean"},
	"PayloadContent":           {typ: "array"}, // required unless IsEncrypted
	"EncryptedPayloadContent":  {typ: "data"},
	"PayloadDescription":       {typ: "string"},
	"PayloadDisplayName":       {typ: "string"},
	"HasRemovalPasscode":       {typ: "boolean"},
	"PayloadOrganization":      {typ: "string"},
	"PayloadRemovalDisallowed": {typ: "boolean"},
	"PayloadScope":             {typ: "string", allowed: []any{"System", "User"}},
	"RemovalDate":              {typ: "date"},
	"DurationUntilRemoval":     {typ: "real"},
	"PayloadExpirationDate":    {typ: "date"},
	"TargetDeviceType":         {typ: "integer", allowed: []any{uint64(0), uint64(1), uint64(2), uint64(3), uint64(4), uint64(5)}},
	"ConsentText":              {typ: "dictionary"},
}

var appleAuthValues = []any{"EmailAuthNone", "EmailAuthPassword", "EmailAuthCRAMMD5", "EmailAuthNTLM", "EmailAuthHTTPMD5"}

var appleMail = map[string]appleKey{
	// Keys every payload has (CommonPayloadKeys).
	"PayloadType":         {typ: "string", required: true, allowed: []any{"com.apple.mail.managed"}},
	"PayloadVersion":      {typ: "integer", required: true},
	"PayloadIdentifier":   {typ: "string", required: true},
	"PayloadUUID":         {typ: "string", required: true},
	"PayloadDisplayName":  {typ: "string"},
	"PayloadDescription":  {typ: "string"},
	"PayloadOrganization": {typ: "string"},
	// com.apple.mail.managed.
	"EmailAccountDescription":                {typ: "string"},
	"EmailAccountName":                       {typ: "string"},
	"EmailAccountType":                       {typ: "string", required: true, allowed: []any{"EmailTypeIMAP", "EmailTypePOP"}},
	"EmailAddress":                           {typ: "string"},
	"IncomingMailServerAuthentication":       {typ: "string", required: true, allowed: appleAuthValues},
	"IncomingMailServerHostName":             {typ: "string", required: true},
	"IncomingMailServerPortNumber":           {typ: "integer"},
	"IncomingMailServerUseSSL":               {typ: "boolean"},
	"IncomingMailServerUsername":             {typ: "string"},
	"IncomingPassword":                       {typ: "string"},
	"OutgoingPassword":                       {typ: "string"},
	"OutgoingPasswordSameAsIncomingPassword": {typ: "boolean"},
	"OutgoingMailServerAuthentication":       {typ: "string", required: true, allowed: appleAuthValues},
	"OutgoingMailServerHostName":             {typ: "string", required: true},
	"OutgoingMailServerPortNumber":           {typ: "integer"},
	"OutgoingMailServerUseSSL":               {typ: "boolean"},
	"OutgoingMailServerUsername":             {typ: "string"},
	"PreventMove":                            {typ: "boolean"},
	"PreventAppSheet":                        {typ: "boolean"},
	"SMIMEEnabled":                           {typ: "boolean"},
	"SMIMESigningEnabled":                    {typ: "boolean"},
	"SMIMEEncryptionEnabled":                 {typ: "boolean"},
	"disableMailRecentsSyncing":              {typ: "boolean"},
	"allowMailDrop":                          {typ: "boolean"},
	"IncomingMailServerIMAPPathPrefix":       {typ: "string"},
}

func plistType(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case uint64, int64:
		return "integer"
	case bool:
		return "boolean"
	case []byte:
		return "data"
	case []any:
		return "array"
	case map[string]any:
		return "dictionary"
	case float64:
		return "real"
	}
	return fmt.Sprintf("%T", v)
}

func checkKeys(where string, dict map[string]any, schema map[string]appleKey) error {
	for k, v := range dict {
		key, ok := schema[k]
		if !ok {
			return fmt.Errorf("%s: key %s is not in Apple's schema", where, k)
		}
		if got := plistType(v); got != key.typ && !(key.typ == "date" && fmt.Sprintf("%T", v) == "time.Time") {
			return fmt.Errorf("%s: %s is %s, want %s", where, k, got, key.typ)
		}
		if len(key.allowed) > 0 {
			found := false
			for _, a := range key.allowed {
				found = found || a == v
			}
			if !found {
				return fmt.Errorf("%s: %s = %v, not one of %v", where, k, v, key.allowed)
			}
		}
	}
	for k, key := range schema {
		if _, ok := dict[k]; key.required && !ok {
			return fmt.Errorf("%s: required key %s missing", where, k)
		}
	}
	return nil
}

// checkAppleMailProfile checks an unsigned profile against Apple's schema:
// top-level keys, then each mail payload's keys, types and enumerations;
// and our own rule that incoming mail always needs a login. An encrypted
// profile's payloads are checked when decrypt is given.
func checkAppleMailProfile(data []byte, decrypt func([]byte) ([]byte, error)) error {
	var top map[string]any
	if _, err := plist.Unmarshal(data, &top); err != nil {
		return err
	}
	if err := checkKeys("profile", top, appleTopLevel); err != nil {
		return err
	}
	content, hasContent := top["PayloadContent"].([]any)
	if enc, ok := top["EncryptedPayloadContent"].([]byte); ok {
		if hasContent || top["IsEncrypted"] != true {
			return fmt.Errorf("encrypted profile must set IsEncrypted and carry no PayloadContent")
		}
		if decrypt == nil {
			return nil
		}
		plain, err := decrypt(enc)
		if err != nil {
			return err
		}
		if _, err := plist.Unmarshal(plain, &content); err != nil {
			return err
		}
	} else if !hasContent {
		return fmt.Errorf("PayloadContent missing")
	}
	if len(content) == 0 {
		return fmt.Errorf("no payload")
	}
	for i, item := range content {
		dict, ok := item.(map[string]any)
		if !ok {
			return fmt.Errorf("payload %d is not a dictionary", i)
		}
		if err := checkKeys(fmt.Sprintf("payload %d", i), dict, appleMail); err != nil {
			return err
		}
		if dict["IncomingMailServerAuthentication"] == "EmailAuthNone" {
			return fmt.Errorf("payload %d: EmailAuthNone for incoming mail", i)
		}
	}
	return nil
}
