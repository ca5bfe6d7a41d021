package autoconfig

import (
	"os"
	"strings"
	"testing"
)

func BenchmarkParseTypicalFile(b *testing.B) {
	data, err := os.ReadFile("testdata/multi-auth.xml")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}

// A hostile file just under the size cap, packed with elements, shows the
// worst a server can make the parser spend.
func BenchmarkParseHostileFileAtTheCaps(b *testing.B) {
	data := []byte("<clientConfig>" + strings.Repeat("<x/>", 9990) + strings.Repeat(" ", MaxSize-9990*4-40) + "</clientConfig>")
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Parse(data); err == nil {
			b.Fatal("a file without a provider was accepted")
		}
	}
}
