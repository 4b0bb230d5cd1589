package report

import (
	"fmt"
	"html"
	"io"
	"sort"
	"strings"
)

// HTMLOptions configure [WriteHTML].
type HTMLOptions struct {
	// Title heads the page (default "s3front report").
	Title string
	// Rules gives titles and documentation links (optional).
	Rules []RuleInfo
}

// WriteHTML writes the report as one self-contained page: inline CSS, a
// little inline JavaScript for the filters, and an inline SVG sequence
// diagram per path that this writer draws itself. A Content-Security-
// Policy forbids every network request, so the file shows the same
// offline, attached to a CI run or opened from disk.
//
// The page checks itself when it loads: it records script errors and
// policy violations and counts the diagrams that have a size on
// <html data-selfcheck="ok|..."> (the headless browser test reads it).
func WriteHTML(w io.Writer, r *Report, o HTMLOptions) error {
	title := o.Title
	if title == "" {
		title = "s3front report"
	}
	uris := map[string]string{}
	for _, ri := range o.Rules {
		uris[ri.ID] = ri.HelpURI
	}
	causes := Causes(r)
	e := html.EscapeString
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\" data-selfcheck=\"pending\">\n<head>\n<meta charset=\"utf-8\">\n")
	b.WriteString(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">` + "\n")
	b.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	fmt.Fprintf(&b, "<title>%s</title>\n<style>%s</style>\n</head>\n<body>\n", e(title), htmlCSS)
	s := r.Summary
	fmt.Fprintf(&b, "<header><h1>%s</h1>\n<p class=\"summary\"><span class=\"sev error\">%s</span> <span class=\"sev warning\">%s</span> <span class=\"sev note\">%s</span>",
		e(title), e(count(s.Errors, "error")), e(count(s.Warnings, "warning")), e(count(s.Notes, "note")))
	if s.Suppressed > 0 {
		fmt.Fprintf(&b, " <span class=\"sev suppressed\">%d suppressed</span>", s.Suppressed)
	}
	fmt.Fprintf(&b, " · paths: %d broken, %d unknown, %d as intended</p>\n", s.Broken, s.Unknown, s.Intended)
	if len(s.Incomplete) > 0 {
		b.WriteString("<div class=\"incomplete\"><strong>Incomplete:</strong><ul>")
		for _, in := range s.Incomplete {
			fmt.Fprintf(&b, "<li>%s: %s <code>%s</code></li>", e(in.What), e(in.Why), e(in.Location.String()))
		}
		b.WriteString("</ul></div>\n")
	}
	b.WriteString("</header>\n<main>\n")

	// Distributions and their paths.
	b.WriteString("<section id=\"distributions\"><h2>Distributions</h2>\n")
	groups := Distributions(r.Paths)
	if len(groups) == 0 {
		b.WriteString("<p>No CloudFront distribution with an S3 origin in the input.</p>\n")
	}
	n := 0
	for _, g := range groups {
		broken, unknown := g.Broken()
		cls := "ok"
		if broken > 0 {
			cls = "fail"
		} else if unknown > 0 {
			cls = "unk"
		}
		fmt.Fprintf(&b, "<article class=\"dist %s\"><h3>%s</h3><p class=\"counts\">%d paths: %d as intended, %d broken, %d unknown</p>\n",
			cls, e(g.Name()), len(g.Paths), len(g.Paths)-broken-unknown, broken, unknown)
		paths := append([]Path(nil), g.Paths...)
		sort.SliceStable(paths, func(i, j int) bool { return rank(paths[i]) < rank(paths[j]) })
		for _, p := range paths {
			n++
			pc := "ok"
			mark := "✓"
			switch {
			case p.Outcome == "unknown":
				pc, mark = "unk", "?"
			case !Healthy(p):
				pc, mark = "fail", "✗"
			}
			open := ""
			if pc != "ok" {
				open = " open"
			}
			when := ""
			if p.When == "next-upload" {
				when = ", from the next upload"
			}
			fmt.Fprintf(&b, "<details class=\"path %s\"%s><summary><span class=\"mark\">%s</span> <code>%s</code> %s <span class=\"answer\">%s%s</span> <span class=\"via\">origin %s · behavior %s</span></summary>\n",
				pc, open, mark, e(p.Scenario), e(p.URL+uploaderSuffix(p)), e(Answer(p)), e(when), e(p.Origin), e(p.Behavior))
			b.WriteString(SVG(p, fmt.Sprintf("d%d", n)))
			if f := CauseOf(causes, p); f != nil {
				fmt.Fprintf(&b, "<p class=\"cause\"><strong>Cause</strong> %s at <code>%s</code> (<code>%s</code>): %s</p>\n",
					ruleAnchor(f.Rule, uris), e(f.Resource), e(f.Location.String()), e(f.Message))
				if f.Fix != "" {
					fmt.Fprintf(&b, "<details class=\"fix\"><summary>Fix</summary><pre>%s</pre></details>\n", e(f.Fix))
				}
			}
			for _, m := range p.Missing {
				fmt.Fprintf(&b, "<p class=\"missing\"><strong>Missing</strong> %s</p>\n", e(m))
			}
			b.WriteString("<table class=\"trace\"><thead><tr><th>hop</th><th>result</th><th>detail</th></tr></thead><tbody>\n")
			for _, h := range p.Trace {
				fmt.Fprintf(&b, "<tr class=\"r-%s\"><td>%s</td><td>%s</td><td>%s", e(h.Result), e(h.Hop), e(h.Result), e(h.Detail))
				for _, ev := range h.Evidence {
					fmt.Fprintf(&b, "<br><small><code>%s</code> %s</small>", e(ev.Location.String()), e(ev.What))
				}
				b.WriteString("</td></tr>\n")
			}
			b.WriteString("</tbody></table></details>\n")
		}
		b.WriteString("</article>\n")
	}
	b.WriteString("</section>\n")

	// Findings with filters.
	b.WriteString("<section id=\"findings\"><h2>Findings</h2>\n<form class=\"filters\" onsubmit=\"return false\">\n")
	for _, sev := range []string{"error", "warning", "note"} {
		fmt.Fprintf(&b, "<label><input type=\"checkbox\" name=\"severity\" value=\"%s\" checked> %s</label>\n", sev, sev)
	}
	b.WriteString("<label><input type=\"checkbox\" name=\"suppressed\" value=\"suppressed\"> suppressed</label>\n")
	b.WriteString("<label>rule <select name=\"rule\"><option value=\"\">all rules</option>")
	var ids []string
	seen := map[string]bool{}
	for _, f := range r.Findings {
		if !seen[f.Rule] {
			seen[f.Rule] = true
			ids = append(ids, f.Rule)
		}
	}
	sort.Strings(ids)
	for _, id := range ids {
		fmt.Fprintf(&b, "<option value=\"%s\">%s</option>", e(id), e(id))
	}
	b.WriteString("</select></label> <span id=\"shown\"></span></form>\n")
	if len(r.Findings) == 0 {
		b.WriteString("<p>No findings.</p>\n")
	}
	b.WriteString("<div id=\"finding-list\">\n")
	several := r.SeveralRoots()
	for _, f := range r.Findings {
		sup := "no"
		if f.Suppressed != nil {
			sup = "yes"
		}
		fmt.Fprintf(&b, "<div class=\"finding %s\" data-severity=\"%s\" data-rule=\"%s\" data-suppressed=\"%s\">\n", e(string(f.Severity)), e(string(f.Severity)), e(f.Rule), sup)
		root := ""
		if several && f.Root != "" {
			root = "<code class=\"root\">" + e(f.Root) + "</code> "
		}
		fmt.Fprintf(&b, "<p><span class=\"sev %s\">%s</span> %s %s<code>%s</code> <small><code>%s</code></small></p>\n",
			e(string(f.Severity)), e(string(f.Severity)), ruleAnchor(f.Rule, uris), root, e(f.Resource), e(f.Location.String()))
		fmt.Fprintf(&b, "<p>%s</p>\n", e(f.Message))
		if f.Suppressed != nil {
			fmt.Fprintf(&b, "<p class=\"suppression\">suppressed: %s", e(f.Suppressed.Reason))
			if f.Suppressed.Expires != "" {
				fmt.Fprintf(&b, " (until %s)", e(f.Suppressed.Expires))
			}
			b.WriteString("</p>\n")
		}
		if len(f.Related) > 0 {
			b.WriteString("<p class=\"related\">related: ")
			for i, rel := range f.Related {
				if i > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "<code title=\"%s\">%s</code>", e(rel.Location.String()), e(rel.Resource))
			}
			b.WriteString("</p>\n")
		}
		if f.Fix != "" {
			fmt.Fprintf(&b, "<details class=\"fix\"><summary>Fix</summary><pre>%s</pre></details>\n", e(f.Fix))
		}
		b.WriteString("</div>\n")
	}
	b.WriteString("</div></section>\n</main>\n")
	fmt.Fprintf(&b, "<footer>s3front simulates every request a distribution serves: viewer → CloudFront → S3 → KMS.</footer>\n<script>%s</script>\n</body>\n</html>\n", htmlJS)
	_, err := io.WriteString(w, b.String())
	return err
}

func uploaderSuffix(p Path) string {
	if p.Uploader == "" {
		return ""
	}
	return " (uploaded by " + p.Uploader + ")"
}

func ruleAnchor(id string, uris map[string]string) string {
	u, ok := uris[id]
	if !ok || u == "" {
		u = DocsURI + id + ".md"
	}
	return fmt.Sprintf("<a href=\"%s\"><code>%s</code></a>", html.EscapeString(u), html.EscapeString(id))
}

// SVG draws a path as a sequence diagram: a column per party (viewer,
// CloudFront, S3, KMS), an arrow per hop, the deciding hop in red with
// what failed, and the answer back to the requester. id must be unique in
// the page.
func SVG(p Path, id string) string {
	fl := PathFlow(p)
	e := html.EscapeString
	const colW, top, rowH = 200, 64, 34
	x := func(l Lane) int { return colW/2 + int(l)*colW }
	lanes := []Lane{LaneViewer, LaneCloudFront, LaneS3, LaneKMS}
	sub := map[Lane]string{LaneViewer: "viewer", LaneCloudFront: p.Distribution, LaneS3: p.Bucket, LaneKMS: ""}
	if fl.Anonymous {
		sub[LaneViewer] = "anonymous"
		sub[LaneCloudFront] = "(bypassed)"
	}
	steps := fl.Steps
	if fl.FailedAt >= 0 {
		steps = steps[:fl.FailedAt+1]
	}
	last := LaneViewer
	for _, st := range steps {
		last = st.To
	}
	rows := len(steps) + 1
	if last != LaneViewer {
		rows++
	}
	height := top + rows*rowH + 16
	width := colW * len(lanes)
	var b strings.Builder
	fmt.Fprintf(&b, "<svg class=\"diagram\" id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"%s\">\n",
		e(id), width, height, width, height, e(p.Scenario+" "+p.URL+": "+fl.Answer))
	fmt.Fprintf(&b, "<defs><marker id=\"%s-a\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0L10,5L0,10z\" fill=\"#444\"/></marker>", e(id))
	fmt.Fprintf(&b, "<marker id=\"%s-x\" viewBox=\"0 0 10 10\" refX=\"5\" refY=\"5\" markerWidth=\"10\" markerHeight=\"10\"><path d=\"M1,1L9,9M9,1L1,9\" stroke=\"#c62828\" stroke-width=\"2.2\"/></marker></defs>\n", e(id))
	for _, l := range lanes {
		cx := x(l)
		fmt.Fprintf(&b, "<rect class=\"lane\" x=\"%d\" y=\"6\" width=\"%d\" height=\"40\" rx=\"6\"/><text class=\"lane-name\" x=\"%d\" y=\"23\">%s</text>", cx-colW/2+8, colW-16, cx, e(l.String()))
		if sub[l] != "" {
			fmt.Fprintf(&b, "<text class=\"lane-sub\" x=\"%d\" y=\"39\"><title>%s</title>%s</text>", cx, e(sub[l]), e(shorten(sub[l], 30)))
		}
		fmt.Fprintf(&b, "<line class=\"life\" x1=\"%d\" y1=\"46\" x2=\"%d\" y2=\"%d\"/>\n", cx, cx, height-8)
	}
	y := top
	request := fl.Method + " " + p.URL
	shown := false
	for i, st := range steps {
		y += rowH
		cls := "step"
		failed := i == fl.FailedAt
		if failed {
			cls = "step failed"
			if st.Unknown {
				cls = "step unknown"
			} else if fl.Intended {
				cls = "step refused"
			}
			band := "band"
			if st.Unknown {
				band = "band unk"
			} else if fl.Intended {
				band = "band ok"
			}
			fmt.Fprintf(&b, "<rect class=\"%s\" x=\"2\" y=\"%d\" width=\"%d\" height=\"%d\"/>", band, y-rowH+6, width-4, rowH)
		}
		label := st.Hop.Hop + " " + st.Hop.Result
		if !shown && st.From != st.To {
			label = request + " · " + label
			shown = true
		}
		if failed {
			switch {
			case st.Unknown:
				label = "? " + label + ": " + fl.Answer
			case fl.Intended:
				label = "✓ refused here, as intended: " + fl.Answer
			default:
				label = "✗ " + label + ": " + fl.Answer
			}
		}
		full := st.Hop.Hop + " " + st.Hop.Result + ": " + st.Hop.Detail
		if st.From == st.To {
			cx := x(st.To)
			fmt.Fprintf(&b, "<g class=\"%s\"><title>%s</title><path d=\"M%d,%d h26 v12 h-24\" marker-end=\"url(#%s-a)\"/><text x=\"%d\" y=\"%d\" class=\"self\">%s</text></g>\n",
				cls, e(full), cx, y-12, e(id), cx+32, y-2, e(shorten(label, 48)))
			continue
		}
		x1, x2 := x(st.From), x(st.To)
		marker := "url(#" + id + "-a)"
		if failed && !st.Unknown && !fl.Intended {
			marker = "url(#" + id + "-x)"
		}
		mid, anchor, room := (x1+x2)/2, "middle", 26*abs(int(st.To)-int(st.From))+10
		if failed && min(x1, x2) > colW {
			// The deciding hop's label goes left of the arrow, where
			// there is room for all of it.
			mid, anchor, room = min(x1, x2)-10, "end", (min(x1, x2)-20)/7
		}
		fmt.Fprintf(&b, "<g class=\"%s\"><title>%s</title><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" marker-end=\"%s\"/><text x=\"%d\" y=\"%d\" text-anchor=\"%s\">%s</text></g>\n",
			cls, e(full), x1, y, x2, y, e(marker), mid, y-6, anchor, e(shorten(label, room)))
	}
	if last != LaneViewer {
		y += rowH
		cls := "answer ok"
		switch p.Outcome {
		case "deny":
			cls = "answer fail"
		case "unknown":
			cls = "answer unk"
		}
		if fl.Intended {
			cls = "answer ok"
		} else if p.Outcome == "allow" {
			cls = "answer fail"
		}
		fmt.Fprintf(&b, "<g class=\"%s\"><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" marker-end=\"url(#%s-a)\"/><text x=\"%d\" y=\"%d\">%s</text></g>\n",
			cls, x(last), y, x(LaneViewer), y, e(id), (x(last)+x(LaneViewer))/2, y-6, e(fl.Answer))
	}
	b.WriteString("</svg>\n")
	return b.String()
}

func abs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}

const htmlCSS = `
:root{--fail:#c62828;--warn:#b26a00;--ok:#2e7d32;--unk:#8d6e00;--muted:#666;--bg:#fff;--card:#f7f7f9;--line:#ddd}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#222;background:var(--bg)}
header,main,footer{max-width:1100px;margin:0 auto;padding:12px 20px}
h1{font-size:22px;margin:8px 0}h2{font-size:18px;border-bottom:1px solid var(--line);padding-bottom:4px}h3{font-size:15px;margin:4px 0}
code{font:12px/1.3 ui-monospace,SFMono-Regular,Menlo,monospace;background:#eef;padding:0 3px;border-radius:3px}
pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;background:#f4f4f4;padding:8px;overflow:auto;white-space:pre-wrap}
.sev{display:inline-block;padding:1px 7px;border-radius:9px;font-size:12px;color:#fff;background:#777}
.sev.error{background:var(--fail)}.sev.warning{background:var(--warn)}.sev.note{background:#1565c0}.sev.suppressed{background:#999}
.incomplete{border-left:4px solid var(--warn);background:#fff8e1;padding:6px 12px}
.dist{background:var(--card);border:1px solid var(--line);border-left:5px solid var(--ok);border-radius:6px;padding:8px 12px;margin:12px 0}
.dist.fail{border-left-color:var(--fail)}.dist.unk{border-left-color:var(--unk)}
.counts{color:var(--muted);margin:0 0 6px}
details.path{background:#fff;border:1px solid var(--line);border-radius:5px;margin:6px 0;padding:4px 8px}
details.path>summary{cursor:pointer}
.path .mark{font-weight:bold}.path.fail .mark,.path.fail .answer{color:var(--fail)}.path.ok .mark{color:var(--ok)}.path.unk .mark,.path.unk .answer{color:var(--unk)}
.via{color:var(--muted);font-size:12px}
svg.diagram{display:block;max-width:100%;height:auto;margin:8px 0}
svg .lane{fill:#eef1f6;stroke:#b0b8c8}
svg .lane-name{font:bold 13px system-ui,sans-serif;text-anchor:middle}
svg .lane-sub{font:11px ui-monospace,monospace;text-anchor:middle;fill:#555}
svg .life{stroke:#b0b8c8;stroke-dasharray:4 4}
svg .step line,svg .step path{stroke:#444;stroke-width:1.6;fill:none}
svg text{font:12px system-ui,sans-serif;fill:#222}
svg .answer text{text-anchor:middle}
svg .band{fill:#ffe4e4}svg .band.unk{fill:#fff4d0}svg .band.ok{fill:#e6f4e6}
svg .refused line,svg .refused path{stroke:var(--ok);stroke-width:2.2}svg .refused text{fill:var(--ok);font-weight:bold}
svg .failed line,svg .failed path{stroke:var(--fail);stroke-width:2.4}
svg .failed text{fill:var(--fail);font-weight:bold}
svg .unknown line,svg .unknown path{stroke:var(--unk);stroke-width:2.2;stroke-dasharray:6 3}
svg .unknown text{fill:var(--unk);font-weight:bold}
svg .answer line{stroke-width:1.6;stroke-dasharray:6 4}
svg .answer.ok line{stroke:var(--ok)}svg .answer.ok text{fill:var(--ok)}
svg .answer.fail line{stroke:var(--fail)}svg .answer.fail text{fill:var(--fail);font-weight:bold}
svg .answer.unk line{stroke:var(--unk)}svg .answer.unk text{fill:var(--unk)}
table.trace{border-collapse:collapse;width:100%;font-size:12px;margin:6px 0}
table.trace td,table.trace th{border-top:1px solid var(--line);padding:3px 6px;text-align:left;vertical-align:top}
tr.r-fail td:nth-child(2){color:var(--fail);font-weight:bold}tr.r-pass td:nth-child(2){color:var(--ok)}tr.r-unknown td:nth-child(2){color:var(--unk)}
.cause{border-left:3px solid var(--fail);padding-left:8px}
.filters{display:flex;gap:14px;flex-wrap:wrap;align-items:center;background:var(--card);padding:8px;border-radius:5px}
.finding{border:1px solid var(--line);border-left:5px solid #1565c0;border-radius:5px;padding:4px 12px;margin:8px 0}
.finding.error{border-left-color:var(--fail)}.finding.warning{border-left-color:var(--warn)}
.finding[data-suppressed=yes]{opacity:.7}
.finding p{margin:4px 0}.suppression{color:var(--muted)}
.hidden{display:none}
footer{color:var(--muted);font-size:12px}
`

const htmlJS = `
(function(){
  var errors=[];
  window.addEventListener('error',function(ev){errors.push('error: '+ev.message);report();});
  document.addEventListener('securitypolicyviolation',function(ev){errors.push('blocked: '+ev.blockedURI);report();});
  var form=document.querySelector('form.filters');
  function apply(){
    var sev={},shown=0,all=0;
    form.querySelectorAll('input[name=severity]').forEach(function(c){sev[c.value]=c.checked;});
    var sup=form.querySelector('input[name=suppressed]').checked;
    var rule=form.querySelector('select[name=rule]').value;
    document.querySelectorAll('.finding').forEach(function(f){
      all++;
      var ok=sev[f.dataset.severity]&&(rule===''||f.dataset.rule===rule)&&(sup||f.dataset.suppressed!=='yes');
      f.classList.toggle('hidden',!ok);
      if(ok)shown++;
    });
    document.getElementById('shown').textContent=shown+' of '+all+' findings shown';
  }
  form.addEventListener('change',apply);
  apply();
  function report(){
    var svgs=document.querySelectorAll('svg.diagram'),drawn=0;
    svgs.forEach(function(s){
      var d=s.closest('details'),was=d?d.open:true;
      if(d)d.open=true;
      var r=s.getBoundingClientRect();
      if(r.width>0&&r.height>0&&s.querySelectorAll('line,path').length>0)drawn++;
      if(d)d.open=was;
    });
    var html=document.documentElement;
    html.dataset.diagrams=drawn+'/'+svgs.length;
    html.dataset.selfcheck=errors.length?errors.join('; '):(drawn===svgs.length?'ok':'diagrams not drawn: '+(svgs.length-drawn));
  }
  report();
})();
`
