package main

import (
	"fmt"
	"io"
	"sort"
	"sync"

	"github.com/s3front/s3front"
)

// loadWarnings collects the warnings of loading, from every root, and
// prints them once loading is over. The same --var flags apply to every
// root of a repository, so an undeclared --var is reported only when no
// Terraform root declares it.
type loadWarnings struct {
	mu    sync.Mutex
	list  []s3front.Warning
	cliBy map[string]int // --var name -> roots that do not declare it
}

func (lw *loadWarnings) add(w s3front.Warning) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	if w.FromCLI && w.Var != "" {
		if lw.cliBy == nil {
			lw.cliBy = map[string]int{}
		}
		if lw.cliBy[w.Var] == 0 {
			lw.list = append(lw.list, w)
		}
		lw.cliBy[w.Var]++
		return
	}
	lw.list = append(lw.list, w)
}

// print writes the warnings; terraformRoots is how many Terraform roots
// were loaded.
func (lw *loadWarnings) print(w io.Writer, terraformRoots int) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	sort.SliceStable(lw.list, func(i, j int) bool { return lw.list[i].Root < lw.list[j].Root })
	seen := map[string]bool{}
	for _, x := range lw.list {
		if x.FromCLI && x.Var != "" {
			if lw.cliBy[x.Var] < terraformRoots {
				continue // some root declares it
			}
			if terraformRoots > 1 {
				x.Msg = "--var " + x.Var + ": no root module declares a variable named \"" + x.Var + "\", so the value is ignored (terraform plan refuses it)"
			}
		}
		s := x.String()
		if seen[s] {
			continue
		}
		seen[s] = true
		fmt.Fprintf(w, "s3front: warning: %s\n", s)
	}
	lw.list = nil
	lw.cliBy = nil
}

// terraformRoots counts the Terraform roots of a discovery.
func terraformRoots(d *s3front.Discovery) int {
	n := 0
	for _, r := range d.Roots {
		if r.Kind == s3front.KindTerraform {
			n++
		}
	}
	return n
}
