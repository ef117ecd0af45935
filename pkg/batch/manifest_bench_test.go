package batch

import (
	"fmt"
	"strings"
	"testing"
)

// manifestOfLines is a manifest of about n lines, two per migration; broken
// ends it with an unclosed quote, which makes the parser look for the line.
func manifestOfLines(n int, broken bool) []byte {
	var b strings.Builder
	b.WriteString("region: cn-hangzhou\nmigrations:\n")
	for i := range (n - 2) / 2 {
		fmt.Fprintf(&b, "  - instance_id: i-bp1ff25rzvnul6%06d\n    target_zone: cn-hangzhou-i\n", i)
	}
	if broken {
		b.WriteString("  - instance_id: \"i-bp1ff25rzvnul6kr0001\n")
	}
	return []byte(b.String())
}

// BenchmarkParse: the time grows linearly with the manifest's lines, valid or
// broken (4000 lines should take about 4x 1000 lines).
func BenchmarkParse(b *testing.B) {
	for _, broken := range []bool{false, true} {
		for _, n := range []int{1000, 4000} {
			data := manifestOfLines(n, broken)
			name := fmt.Sprintf("valid-%d-lines", n)
			if broken {
				name = fmt.Sprintf("broken-%d-lines", n)
			}
			b.Run(name, func(b *testing.B) {
				for b.Loop() {
					_, err := Parse("m.yaml", data, RegionSource{})
					if (err != nil) != broken {
						b.Fatalf("Parse: %v", err)
					}
				}
			})
		}
	}
}
