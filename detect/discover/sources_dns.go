package discover

import (
	"context"
	"errors"
	"sort"
	"strings"
	"sync"

	"golang.org/x/net/publicsuffix"

	"github.com/postino-mail/postino/detect/mail"
	"github.com/postino-mail/postino/detect/network"
	"github.com/postino-mail/postino/detect/providers"
)

// srvService is one RFC 6186 / RFC 8314 service label.
type srvService struct {
	label string
	proto mail.Protocol
	sec   mail.Security
}

// srvServices in proposal order: reading before sending, and implicit
// TLS before STARTTLS (RFC 8314 §3 prefers implicit TLS).
var srvServices = []srvService{
	{"imaps", mail.IMAP, mail.TLS},
	{"imap", mail.IMAP, mail.STARTTLS},
	{"pop3s", mail.POP3, mail.TLS},
	{"pop3", mail.POP3, mail.STARTTLS},
	{"submissions", mail.SMTP, mail.TLS},
	{"submission", mail.SMTP, mail.STARTTLS},
}

// MaxSRVPerService caps how many targets of one service become
// candidates: a hostile zone may publish hundreds.
const MaxSRVPerService = 8

// orderSRV sorts records by RFC 2782 priority (lowest first). Within a
// priority RFC 2782 asks for a weighted random pick; Postino probes every
// target anyway, so it orders by weight, highest first, then by target
// name and port, which keeps results reproducible.
func orderSRV(recs []network.SRV) {
	sort.SliceStable(recs, func(i, j int) bool {
		a, b := recs[i], recs[j]
		switch {
		case a.Priority != b.Priority:
			return a.Priority < b.Priority
		case a.Weight != b.Weight:
			return a.Weight > b.Weight
		case a.Target != b.Target:
			return a.Target < b.Target
		}
		return a.Port < b.Port
	})
}

// srv reads the six SRV services at once. A lone "." target means the
// service is decidedly not offered (RFC 2782, RFC 6186 §3.4): it yields no
// candidate and stops guesses for that protocol and security. Targets
// outside the address's domain are proposed but not trusted (RFC 6186 §6).
func (r *runner) srv(ctx context.Context) outcome {
	defer close(r.srvDone)
	type answer struct {
		recs []network.SRV
		err  error
	}
	answers := make([]answer, len(srvServices))
	var wg sync.WaitGroup
	for i, s := range srvServices {
		wg.Add(1)
		go func(i int, s srvService) {
			defer wg.Done()
			recs, err := r.net.LookupSRV(ctx, s.label, "tcp", r.domain)
			answers[i] = answer{recs, err}
		}(i, s)
	}
	wg.Wait()

	o := outcome{trust: TrustDNS}
	notOffered := map[serviceKey]bool{}
	var firstErr error
	for i, s := range srvServices {
		a := answers[i]
		if a.err != nil {
			if !errors.Is(a.err, network.ErrNotFound) && firstErr == nil {
				firstErr = a.err
			}
			continue
		}
		var usable []network.SRV
		for _, rec := range a.recs {
			if rec.Target != "" && rec.Port != 0 {
				usable = append(usable, rec)
			}
		}
		if len(usable) == 0 {
			if len(a.recs) > 0 {
				notOffered[serviceKey{s.proto, s.sec}] = true
			}
			continue
		}
		orderSRV(usable)
		if len(usable) > MaxSRVPerService {
			usable = usable[:MaxSRVPerService]
		}
		for _, rec := range usable {
			trusted := inDomain(rec.Target, r.domain)
			if !trusted {
				o.trust = TrustDNSUntrusted
			}
			o.proposals = append(o.proposals, proposal{
				server: mail.Server{
					Protocol: s.proto, Host: rec.Target, Port: int(rec.Port), Security: s.sec,
					// RFC 6186 §4: the user name is the full address.
					Username: mail.PlaceholderAddress,
				},
				trusted: trusted,
			})
		}
	}
	r.notOffered = notOffered // read by guess only after srvDone closes
	switch {
	case len(o.proposals) > 0:
		o.status = StatusFound
	case firstErr != nil:
		o.status, o.err = StatusError, firstErr
	default:
		o.status = StatusNotFound
	}
	return o
}

// MaxMXHosts caps how many MX hosts are examined.
const MaxMXHosts = 3

// mxDomains returns the domains to look up for an MX host: the host minus
// its first label, then its registrable domain (public suffix list),
// without duplicates, public suffixes or the address's own domain.
func mxDomains(host, own string) []string {
	var out []string
	add := func(d string) {
		d = strings.ToLower(strings.TrimSuffix(d, "."))
		if d == "" || d == own || !strings.Contains(d, ".") || containsString(out, d) {
			return
		}
		if ps, _ := publicsuffix.PublicSuffix(d); ps == d {
			return
		}
		out = append(out, d)
	}
	if i := strings.IndexByte(host, '.'); i > 0 {
		add(host[i+1:])
	}
	if reg, err := publicsuffix.EffectiveTLDPlusOne(host); err == nil {
		add(reg)
	}
	return out
}

// mx recognises the provider behind the domain's mail exchangers (how
// Google Workspace, Microsoft 365, IONOS or Fastmail customers are found):
// for each MX host, in preference order, the built-in table by MX, then
// for its parent and registrable domain the built-in table, the ISPDB and
// that domain's autoconfig. The first success in that order wins.
func (r *runner) mx(ctx context.Context) outcome {
	start := "dns:" + r.domain + "?type=MX"
	mxs, err := r.net.LookupMX(ctx, r.domain)
	if err != nil {
		return outcome{url: start, trust: TrustDNS, status: statusOf(err), err: err}
	}
	var hosts []string
	for _, m := range mxs {
		if m.Host != "" && !containsString(hosts, m.Host) {
			hosts = append(hosts, m.Host)
		}
		if len(hosts) == MaxMXHosts {
			break
		}
	}
	if len(hosts) == 0 {
		// Only a null MX (RFC 7505): the domain takes no mail.
		return outcome{url: start, trust: TrustDNS, status: StatusNotFound}
	}
	fromTable := func(e *providers.Entry, how string) func(context.Context) attempt {
		return func(context.Context) attempt {
			if e == nil {
				return attempt{url: how, trust: TrustDNS, err: network.ErrNotFound}
			}
			p := e.Provider
			return attempt{url: how, trust: TrustDNS, provider: &p, props: proposalsFrom(&p, true)}
		}
	}
	var tries []func(context.Context) attempt
	seen := map[string]bool{}
	for _, h := range hosts {
		e, ok := providers.LookupByMX(h)
		if !ok {
			e = nil
		}
		tries = append(tries, fromTable(e, start+"#"+h))
		for _, d := range mxDomains(h, r.domain) {
			if seen[d] {
				continue
			}
			seen[d] = true
			e, ok := providers.Lookup(d)
			if !ok {
				e = nil
			}
			tries = append(tries,
				fromTable(e, "builtin:"+d),
				r.trustAs(TrustDNS, r.fetchConfig(r.opts.ISPDBURL+d, r.ispdbTrust())),
				r.trustAs(TrustDNS, r.fetchConfig(autoconfigURLsFor("https", d, r.email)[0], TrustHTTPS)),
			)
		}
	}
	o := fromAttempt(firstInOrder(ctx, tries))
	if o.status != StatusFound {
		// Knowing the MX but not its provider is "nothing here", not a
		// failure of the source.
		o = outcome{url: start, trust: TrustDNS, status: StatusNotFound, err: o.err}
		if statusOf(o.err) == StatusError {
			o.status = StatusError
		}
	}
	return o
}

// trustAs relabels a try's trust when it succeeded over a trusted channel:
// an MX-derived configuration is as trustworthy as the DNS that led to it.
func (r *runner) trustAs(t Trust, try func(context.Context) attempt) func(context.Context) attempt {
	return func(ctx context.Context) attempt {
		a := try(ctx)
		if a.trust.Trusted() {
			a.trust = t
		}
		return a
	}
}

// guessHost is a host name worth trying and what it might serve.
type guessHost struct {
	name   string
	protos []mail.Protocol
}

// guessLists returns the incoming and the outgoing guesses, each in the
// order they are proposed.
func guessLists(d string) (incoming, outgoing []guessHost) {
	in := []mail.Protocol{mail.IMAP, mail.POP3}
	out := []mail.Protocol{mail.SMTP}
	incoming = []guessHost{
		{"imap." + d, []mail.Protocol{mail.IMAP}},
		{"pop3." + d, []mail.Protocol{mail.POP3}},
		{"pop." + d, []mail.Protocol{mail.POP3}},
		{"mail." + d, in},
		{d, in},
	}
	outgoing = []guessHost{{"smtp." + d, out}, {"mail." + d, out}, {d, out}}
	return incoming, outgoing
}

// guess proposes the usual host names on every standard port, only for
// names that resolve, and not for services an SRV "." declared not
// offered. Incoming servers come first, then outgoing.
func (r *runner) guess(ctx context.Context) outcome {
	incoming, outgoing := guessLists(r.domain)
	var names []string
	for _, h := range append(append([]guessHost(nil), incoming...), outgoing...) {
		if !containsString(names, h.name) {
			names = append(names, h.name)
		}
	}
	errs := make(map[string]error, len(names))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, name := range names {
		wg.Add(1)
		go func(name string) {
			defer wg.Done()
			_, err := r.net.LookupHost(ctx, name)
			mu.Lock()
			errs[name] = err
			mu.Unlock()
		}(name)
	}
	wg.Wait()
	o := outcome{trust: TrustGuess}
	select {
	case <-r.srvDone:
	case <-ctx.Done():
		o.status, o.err = StatusError, ctx.Err()
		return o
	}
	var firstErr error
	anyResolved := false
	for _, name := range names {
		switch err := errs[name]; {
		case err == nil:
			anyResolved = true
		case firstErr == nil && !errors.Is(err, network.ErrNotFound):
			firstErr = err
		}
	}
	for _, h := range append(incoming, outgoing...) {
		if errs[h.name] != nil {
			continue
		}
		for _, p := range h.protos {
			for _, s := range mail.StandardPorts(p) {
				if r.notOffered[serviceKey{p, s.Security}] {
					continue
				}
				s.Host, s.Username = h.name, mail.PlaceholderAddress
				o.proposals = append(o.proposals, proposal{server: s})
			}
		}
	}
	switch {
	case len(o.proposals) > 0:
		o.status = StatusFound
	case firstErr != nil && !anyResolved:
		o.status, o.err = StatusError, firstErr
	default:
		o.status = StatusNotFound
	}
	return o
}
