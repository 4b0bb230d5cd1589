package reencrypt

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// progress writes one carriage-return updated line to a terminal.
type progress struct {
	w     io.Writer
	stop  chan struct{}
	wg    sync.WaitGroup
	start time.Time
	line  func() string
}

func startProgress(w io.Writer, line func() string) *progress {
	p := &progress{w: w, stop: make(chan struct{}), start: time.Now(), line: line}
	if w == nil {
		return p
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				fmt.Fprintf(p.w, "\r\033[K%s\n", p.line())
				return
			case <-t.C:
				fmt.Fprintf(p.w, "\r\033[K%s", p.line())
			}
		}
	}()
	return p
}

func (p *progress) done() {
	if p.w == nil {
		return
	}
	close(p.stop)
	p.wg.Wait()
}

// Bytes renders a byte count with a binary unit.
func Bytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
