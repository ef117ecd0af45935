package main

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The build targets of issue 19 (docs/performance.md) hold by what zonemove
// imports: no official ECS or VPC SDK module (a cold build of either takes
// minutes and gigabytes), and no template engine (executing one keeps every
// exported method of every type in the binary: 2.9 MiB of it).
func TestNoHeavyImports(t *testing.T) {
	refused := map[string]string{
		"text/template": "executing a template keeps every exported method in the binary",
		"html/template": "executing a template keeps every exported method in the binary",
	}
	refusedPrefixes := []string{"github.com/alibabacloud-go/ecs-20140526", "github.com/alibabacloud-go/vpc-20160428"}
	fset := token.NewFileSet()
	n := 0
	err := filepath.WalkDir(filepath.Join("..", ".."), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != filepath.Join("..", "..") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		n++
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if why, ok := refused[p]; ok {
				t.Errorf("%s imports %s: %s", path, p, why)
			}
			for _, prefix := range refusedPrefixes {
				if strings.HasPrefix(p, prefix) {
					t.Errorf("%s imports %s: ECS and VPC are called through pkg/ecs and pkg/vpc over the SDK core", path, p)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 50 {
		t.Fatalf("only %d files scanned: the walk is broken", n)
	}
}
