package i18n

import (
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"text/template"
	"text/template/parse"
)

// freshCatalogues makes the test start as a new process does: no
// language read yet.
func freshCatalogues(t testing.TB) {
	old := catalogues
	catalogues = map[string]*catalogue{}
	for _, lng := range Languages {
		catalogues[lng] = &catalogue{}
	}
	t.Cleanup(func() { catalogues = old })
}

func loaded(lng string) bool { return catalogues[lng].messages != nil }

// TestALanguageIsReadOnlyWhenAsked: a window or a CLI run in English
// never holds the Italian messages, and an Italian one reads English
// only when a key is missing in Italian (the fallback).
func TestALanguageIsReadOnlyWhenAsked(t *testing.T) {
	freshCatalogues(t)
	if got := For("en").T("app.tagline"); !strings.Contains(got, "settings") {
		t.Fatalf("English tagline = %q", got)
	}
	if loaded("it") {
		t.Fatal("rendering in English read the Italian messages")
	}

	freshCatalogues(t)
	if got := For("it").T("app.tagline"); !strings.Contains(got, "impostazioni") {
		t.Fatalf("Italian tagline = %q", got)
	}
	if loaded("en") {
		t.Fatal("an Italian message that exists read the English ones")
	}
	catalogues["it"].messages = map[string]string{} // a key Italian lacks
	if got := For("it").T("app.tagline"); !strings.Contains(got, "settings") {
		t.Fatalf("a key missing in Italian gave %q, want the English text", got)
	}
}

// placeholders lists the {{.Field}} names a message uses.
func placeholders(t *template.Template) []string {
	var out []string
	var walk func(parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n != nil {
				for _, c := range n.Nodes {
					walk(c)
				}
			}
		case *parse.ActionNode:
			for _, cmd := range n.Pipe.Cmds {
				for _, a := range cmd.Args {
					if f, ok := a.(*parse.FieldNode); ok {
						out = append(out, strings.Join(f.Ident, "."))
					}
				}
			}
		case *parse.IfNode:
			walk(n.List)
			walk(n.ElseList)
			for _, cmd := range n.Pipe.Cmds {
				for _, a := range cmd.Args {
					if f, ok := a.(*parse.FieldNode); ok {
						out = append(out, strings.Join(f.Ident, "."))
					}
				}
			}
		}
	}
	walk(t.Tree.Root)
	sort.Strings(out)
	return compact(out)
}

func compact(s []string) []string {
	var out []string
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// TestEveryMessageIsAValidTemplateWithTheSamePlaceholders: templates are
// parsed when first shown, so a broken one must be caught here, not by
// the person who reaches it; and an Italian message that drops or
// renames a {{.Field}} of the English one would show "<no value>" or
// lose a fact.
func TestEveryMessageIsAValidTemplateWithTheSamePlaceholders(t *testing.T) {
	en, err := Messages("en")
	if err != nil {
		t.Fatal(err)
	}
	it, err := Messages("it")
	if err != nil {
		t.Fatal(err)
	}
	fields := 0
	for key, enMsg := range en {
		et, err := template.New(key).Parse(enMsg)
		if err != nil {
			t.Errorf("en %s: %v", key, err)
			continue
		}
		itMsg, ok := it[key]
		if !ok {
			continue // TestEveryAreaHasIdenticalKeySets says so
		}
		tt, err := template.New(key).Parse(itMsg)
		if err != nil {
			t.Errorf("it %s: %v", key, err)
			continue
		}
		e, i := placeholders(et), placeholders(tt)
		if fmt.Sprint(e) != fmt.Sprint(i) {
			t.Errorf("%s: English uses %v, Italian %v", key, e, i)
		}
		fields += len(e)
	}
	if fields < 100 {
		t.Fatalf("only %d placeholders found in all messages: the walk misses them", fields)
	}
}

// TestABrokenTemplateIsShownAsWrittenAndRenderingIsSafeConcurrently: a
// message whose template does not parse is shown as written rather than
// blank; the engine's goroutines render the same messages at once.
func TestABrokenTemplateIsShownAsWrittenAndRenderingIsSafeConcurrently(t *testing.T) {
	freshCatalogues(t)
	c := messagesOf("en")
	c.messages = map[string]string{"broken": "Server {{.Host", "ok": "Server {{.Host}} on {{.Port}}"}
	if got := For("en").T("broken", map[string]any{"Host": "h"}); got != "Server {{.Host" {
		t.Fatalf("broken template gave %q", got)
	}
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			want := fmt.Sprintf("Server h%d on %d", i, i)
			if got := For("en").T("ok", map[string]any{"Host": fmt.Sprintf("h%d", i), "Port": i}); got != want {
				t.Errorf("got %q, want %q", got, want)
			}
		}(i)
	}
	wg.Wait()
}

// BenchmarkOneLanguagesMessages reports the memory one language's
// messages keep once read and every templated message rendered once
// (live_MB): the window holds this all its life (docs/performance.md).
func BenchmarkOneLanguagesMessages(b *testing.B) {
	var live float64
	for i := 0; i < b.N; i++ {
		freshCatalogues(b)
		before := liveHeap()
		l := For("it")
		for key := range messagesOf("it").messages {
			l.T(key, map[string]any{})
		}
		live = liveHeap() - before
	}
	b.ReportMetric(live/(1<<20), "live_MB")
}

func liveHeap() float64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc)
}
