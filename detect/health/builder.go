package health

import (
	"errors"
	"fmt"
	"sort"

	"github.com/postino-mail/postino/detect/network"
)

// finding is one thing a check noticed. Its texts are the translation
// keys "health.CODE.summary", ".explanation" and ".remedy".
type finding struct {
	verdict Verdict
	code    string
	data    map[string]any
}

// builder collects a check's findings and details; the worst finding
// becomes the check's verdict and sentences, the others become details.
type builder struct {
	name     string
	findings []finding
	details  []Text
	records  []string
}

func newBuilder(name string) *builder { return &builder{name: name} }

func (b *builder) add(v Verdict, code string, data map[string]any) {
	for _, f := range b.findings {
		if f.code == code && fmt.Sprint(f.data) == fmt.Sprint(data) {
			return // the same finding reached twice (a loop seen from two includes)
		}
	}
	b.findings = append(b.findings, finding{verdict: v, code: code, data: data})
}

func (b *builder) detail(key string, data map[string]any) {
	b.details = append(b.details, msg(key, data))
}

func (b *builder) record(r ...string) { b.records = append(b.records, r...) }

// lookupFailed records a DNS failure other than "no such record": the
// check could not reach a verdict about the domain.
func (b *builder) lookupFailed(name string, err error) {
	b.add(Problem, "dns-failed", map[string]any{"Name": name, "Error": err.Error()})
}

// notFound reports whether err means the name or record does not exist.
func notFound(err error) bool { return errors.Is(err, network.ErrNotFound) }

func (b *builder) check() Check {
	fs := append([]finding(nil), b.findings...)
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].verdict.severity() > fs[j].verdict.severity() })
	c := Check{Name: b.name, Records: b.records}
	if len(fs) == 0 {
		// Every check adds at least one finding; this is a safety net
		// so a report never shows an empty verdict.
		fs = []finding{{verdict: OK, code: b.name + "-ok"}}
	}
	top := fs[0]
	c.Verdict, c.Code = top.verdict, top.code
	c.Summary = msg("health."+top.code+".summary", top.data)
	c.Explanation = msg("health."+top.code+".explanation", top.data)
	c.Remedy = msg("health."+top.code+".remedy", top.data)
	for _, f := range fs[1:] {
		if f.verdict == OK {
			continue
		}
		c.Details = append(c.Details, msg("health.also", map[string]any{
			"Summary": msg("health."+f.code+".summary", f.data),
			"Remedy":  msg("health."+f.code+".remedy", f.data),
		}))
	}
	c.Details = append(c.Details, b.details...)
	return c
}
