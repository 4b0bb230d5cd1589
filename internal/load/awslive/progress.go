package awslive

import (
	"fmt"
	"io"
	"sync"
)

// progress draws one status line on a terminal: the stage and how much of
// it is done. A nil writer draws nothing.
type progress struct {
	w     io.Writer
	mu    sync.Mutex
	name  string
	done_ int
	total int
}

func newProgress(w io.Writer) *progress { return &progress{w: w} }

func (p *progress) stage(name string, total int) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.name, p.done_, p.total = name, 0, total
	p.draw()
}

func (p *progress) step() {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done_++
	p.draw()
}

func (p *progress) draw() {
	const width = 30
	fill := 0
	if p.total > 0 {
		fill = p.done_ * width / p.total
	}
	bar := make([]byte, width)
	for i := range bar {
		bar[i] = ' '
		if i < fill {
			bar[i] = '='
		}
	}
	fmt.Fprintf(p.w, "\rreading %-8s [%s] %d/%d ", p.name, bar, p.done_, p.total)
}

// done clears the line.
func (p *progress) done() {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "\r%*s\r", 60, "")
}
