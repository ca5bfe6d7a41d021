package address

import "testing"

func BenchmarkParseIDNAddress(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("niccolò.pelè@città.it"); err != nil {
			b.Fatal(err)
		}
	}
}
