package cmdutil

import "fmt"

// Count is n with its noun in the number n asks for: "1 migration",
// "2 migrations", "0 migrations".
func Count(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
