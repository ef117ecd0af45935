// Package batch runs many migrations from one manifest: it parses and
// validates the manifest, keeps the state file that makes a re-run safe, and
// runs the preflight and the creates concurrently.
package batch

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	goccy "github.com/goccy/go-yaml"
	goccyparser "github.com/goccy/go-yaml/parser"
	"go.yaml.in/yaml/v3"

	"github.com/zonemove/zonemove/pkg/around"
	"github.com/zonemove/zonemove/pkg/migration"
	"github.com/zonemove/zonemove/pkg/preflight"
	"github.com/zonemove/zonemove/pkg/rollout"
)

// Migration is one entry of the manifest with the defaults merged in.
type Migration struct {
	Index      int // position in the manifest, from 0
	Line       int // line of the entry
	Spec       migration.Spec
	SkipChecks []string
	// Around are the steps around the job (snapshot, backends, drain_time,
	// verify, verify_timeout); AroundAt says where each given one is: its
	// path (migrations[2].backends, defaults.verify) and line.
	Around   around.Options
	AroundAt map[string]Problem
}

// Manifest is a parsed, validated manifest.
type Manifest struct {
	Path       string
	Region     string
	Migrations []*Migration
	// Rollout is the manifest's rollout: section; the zero value when it has none.
	Rollout Rollout
}

// Rollout is a manifest's rollout: section, as written: a field not given is
// nil (or a zero Moment), so that a flag or the default fills it. The times
// become instants against the time of the run (rollout.Moment.At).
type Rollout struct {
	MaxUnavailable, Canary, MaxFailures *int
	NotBefore, NotAfter                 rollout.Moment
	// Lines of the fields given, by field name, for errors found later (a
	// not_after in the past).
	Lines map[string]int
}

// Problem is one thing wrong with a manifest, at a line (0 when the problem
// is not in the file, such as a missing region).
type Problem struct {
	Line    int
	Field   string // path of the field, such as migrations[2].target_zone
	Message string
}

// ManifestError lists every problem found in a manifest. Nothing is sent when
// a manifest has one.
type ManifestError struct {
	Path     string
	Problems []Problem
}

func (e *ManifestError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		loc := e.Path
		if p.Line > 0 {
			loc += ":" + strconv.Itoa(p.Line)
		}
		if p.Field != "" {
			lines[i] = fmt.Sprintf("%s: %s: %s", loc, p.Field, p.Message)
		} else {
			lines[i] = fmt.Sprintf("%s: %s", loc, p.Message)
		}
	}
	if len(lines) == 1 {
		return lines[0]
	}
	return fmt.Sprintf("%s has %d problems:\n  %s", e.Path, len(lines), strings.Join(lines, "\n  "))
}

// Manifest fields, in the order the reference lists them.
const (
	fieldInstanceID         = "instance_id"
	fieldTargetZone         = "target_zone"
	fieldTargetVSwitch      = "target_vswitch"
	fieldTargetInstanceType = "target_instance_type"
	fieldDisks              = "disks"
	fieldAutoPay            = "auto_pay"
	fieldResourceGroupID    = "resource_group_id"
	fieldSkipChecks         = "skip_checks"
	fieldSnapshot           = around.FieldSnapshot
	fieldBackends           = around.FieldBackends
	fieldDrainTime          = around.FieldDrainTime
	fieldVerify             = around.FieldVerify
	fieldVerifyTimeout      = around.FieldVerifyTimeout
)

// Fields are the fields of a migration (and of defaults).
var Fields = []string{fieldInstanceID, fieldTargetZone, fieldTargetVSwitch, fieldTargetInstanceType,
	fieldDisks, fieldAutoPay, fieldResourceGroupID, fieldSkipChecks,
	fieldSnapshot, fieldBackends, fieldDrainTime, fieldVerify, fieldVerifyTimeout}

var (
	topFields     = []string{"region", "defaults", "rollout", "migrations"}
	rolloutFields = []string{"max_unavailable", "canary", "max_failures", "not_before", "not_after"}
	diskFields    = []string{"id", "category", "performance_level"}
)

// RegionSource is where a manifest without a region of its own takes it from.
type RegionSource struct {
	Region string // --region, ALIBABA_CLOUD_REGION_ID or the profile's region_id; may be empty
	// Flag is true when Region was given as --region: it must then agree with
	// the manifest's own region, if any.
	Flag bool
}

// MaxManifestBytes is the largest manifest read: a thousand migrations take
// well under 1 MiB, and a larger file (or an endless one such as /dev/zero)
// is refused before it is parsed.
const MaxManifestBytes = 4 << 20

// MaxManifestDepth is the deepest nesting of flow collections ([ and {) a
// manifest may have; a real one has three or four. The YAML decoder's time
// and memory grow fast with depth, so a deeper file is refused before it is
// decoded.
const MaxManifestDepth = 32

// Load reads and parses the manifest at path, reading at most
// MaxManifestBytes.
func Load(path string, region RegionSource) (*Manifest, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxManifestBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxManifestBytes {
		return nil, &ManifestError{Path: path, Problems: []Problem{{Message: fmt.Sprintf(
			"the manifest is larger than %d MiB; split the batch into several manifests", MaxManifestBytes>>20)}}}
	}
	return Parse(path, data, region)
}

// Parse decodes and validates a manifest. Every problem found is reported,
// each with its line, in a *ManifestError.
func Parse(path string, data []byte, region RegionSource) (*Manifest, error) {
	p := &parser{err: &ManifestError{Path: path}}
	if line := tooDeep(data, MaxManifestDepth); line > 0 {
		p.add(line, "", "nesting deeper than %d levels starts here; a manifest needs three or four", MaxManifestDepth)
		return nil, p.err
	}
	m := p.parse(data, region)
	if len(p.err.Problems) > 0 {
		sort.SliceStable(p.err.Problems, func(i, j int) bool { return p.err.Problems[i].Line < p.err.Problems[j].Line })
		return nil, p.err
	}
	m.Path = path
	return m, nil
}

type parser struct {
	err *ManifestError
}

// add records a problem once (a bad default would otherwise be reported for
// every migration).
func (p *parser) add(line int, field, format string, args ...any) {
	pr := Problem{Line: line, Field: field, Message: fmt.Sprintf(format, args...)}
	for _, q := range p.err.Problems {
		if q == pr {
			return
		}
	}
	p.err.Problems = append(p.err.Problems, pr)
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// entry is one migration (or the defaults) as written: the values given and
// the line of each.
type entry struct {
	line   int
	values map[string]*yaml.Node // field -> value; a null value unsets a default
	lines  map[string]int
}

func (p *parser) parse(data []byte, region RegionSource) *Manifest {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			p.add(0, "", "the manifest is empty; it needs at least a migrations: list")
			return nil
		}
		p.yamlError(err, data)
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		p.add(extra.Line, "", "a second YAML document (---) starts here; a manifest is one document")
	} else if !errors.Is(err, io.EOF) {
		p.yamlError(err, data)
	}
	if len(doc.Content) == 0 || isNull(doc.Content[0]) {
		p.add(0, "", "the manifest is empty; it needs at least a migrations: list")
		return nil
	}
	root := resolve(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		p.add(root.Line, "", "the manifest must be a mapping with region, defaults and migrations, not %s", kindName(root))
		return nil
	}
	m := &Manifest{}
	top := p.mapping(root, "", topFields)
	regionOK := false // the specs are validated only with a good region
	if n := top["region"]; n != nil {
		if v, ok := p.scalar(n, "region"); ok {
			m.Region = v
			if err := migration.ValidateRegion("region", v); err != nil {
				p.validation(n.Line, "region", err)
			} else if region.Flag && region.Region != "" && region.Region != v {
				p.add(n.Line, "region", "the manifest says %s but --region says %s: drop one of them", v, region.Region)
			} else {
				regionOK = true
			}
		}
	} else {
		m.Region = region.Region
		if m.Region == "" {
			p.add(0, "", "no region: set region: in the manifest, pass --region, set ALIBABA_CLOUD_REGION_ID, or name a --profile that has a region_id")
		} else {
			regionOK = true // --region was validated with the global flags
		}
	}

	if n := top["rollout"]; n != nil {
		m.Rollout = p.rollout(n)
	}
	var defaults *entry
	if n := top["defaults"]; n != nil {
		if n.Kind != yaml.MappingNode {
			p.add(n.Line, "defaults", "want a mapping of migration fields, not %s", kindName(n))
		} else {
			defaults = p.entry(n, "defaults")
			if v := defaults.values[fieldInstanceID]; v != nil {
				p.add(defaults.lines[fieldInstanceID], "defaults."+fieldInstanceID, "an instance ID cannot be a default: give it in each migration")
			}
		}
	}
	list := top["migrations"]
	switch {
	case list == nil:
		p.add(root.Line, "", "no migrations: list them under migrations:")
		return m
	case list.Kind != yaml.SequenceNode:
		p.add(list.Line, "migrations", "want a list of migrations, not %s", kindName(list))
		return m
	case len(list.Content) == 0:
		p.add(list.Line, "migrations", "the list is empty")
		return m
	}
	seen := map[string]int{}
	for i, raw := range list.Content {
		n := resolve(raw)
		path := fmt.Sprintf("migrations[%d]", i)
		if n.Kind != yaml.MappingNode {
			p.add(n.Line, path, "want a mapping of migration fields, not %s", kindName(n))
			continue
		}
		e := p.entry(n, path)
		mig := p.merge(i, m.Region, defaults, e, path)
		if mig == nil {
			continue
		}
		if id := mig.Spec.InstanceID; id != "" {
			if first, dup := seen[id]; dup {
				p.add(e.lines[fieldInstanceID], path+"."+fieldInstanceID, "instance %s is already listed at line %d; each instance may appear once", id, first)
			} else {
				seen[id] = e.lines[fieldInstanceID]
			}
		}
		if regionOK {
			p.validateSpec(mig.Spec, defaults, e, path)
		}
		m.Migrations = append(m.Migrations, mig)
	}
	return m
}

// rollout reads the rollout: section: counts are whole numbers (max_unavailable
// from 1), times RFC 3339 or HH:MM. Whether a time is past is decided against
// the time of the run, by the command.
func (p *parser) rollout(n *yaml.Node) Rollout {
	r := Rollout{Lines: map[string]int{}}
	if n.Kind != yaml.MappingNode {
		if !isNull(n) {
			p.add(n.Line, "rollout", "want a mapping of %s, not %s", strings.Join(rolloutFields, ", "), kindName(n))
		}
		return r
	}
	for name, v := range p.mapping(n, "rollout", rolloutFields) {
		path := "rollout." + name
		if isNull(v) {
			continue
		}
		r.Lines[name] = v.Line
		switch name {
		case "max_unavailable", "canary", "max_failures":
			least := 0
			if name == "max_unavailable" {
				least = 1
			}
			var i int
			if v.Kind != yaml.ScalarNode || v.Tag != "!!int" || v.Decode(&i) != nil || i < least {
				p.add(v.Line, path, "want a whole number from %d, not %s", least, kindName(v))
				continue
			}
			switch name {
			case "max_unavailable":
				r.MaxUnavailable = &i
			case "canary":
				r.Canary = &i
			case "max_failures":
				r.MaxFailures = &i
			}
		case "not_before", "not_after":
			text, ok := p.scalar(v, path)
			if !ok {
				continue
			}
			t, err := rollout.ParseMoment(text)
			if err != nil {
				p.add(v.Line, path, "%s", err)
				continue
			}
			if name == "not_before" {
				r.NotBefore = t
			} else {
				r.NotAfter = t
			}
		}
	}
	return r
}

// validateSpec reports the bad values of a migration at the line of the field
// that holds each: the entry's, or the default's when the entry does not give it.
func (p *parser) validateSpec(s migration.Spec, defaults, e *entry, path string) {
	for _, ve := range migration.AsValidationErrors(s.Validate()) {
		field := manifestField(ve.Field)
		if field == fieldInstanceID && s.InstanceID == "" {
			continue // merge reported the missing instance ID
		}
		line, where := e.lines[field], path+"."+field
		if _, given := e.values[field]; !given && defaults != nil && defaults.lines[field] > 0 {
			line, where = defaults.lines[field], "defaults."+field
		}
		if line == 0 {
			line = e.line
		}
		p.add(line, where, "%s", ve.Message)
	}
}

// manifestField spells a field of migration.Spec as the manifest does.
func manifestField(specField string) string {
	switch specField {
	case migration.FieldInstanceID:
		return fieldInstanceID
	case migration.FieldTargetZone:
		return fieldTargetZone
	case migration.FieldTargetVSwitch:
		return fieldTargetVSwitch
	case migration.FieldTargetInstanceType:
		return fieldTargetInstanceType
	case migration.FieldResourceGroupID:
		return fieldResourceGroupID
	case migration.FieldDisks:
		return fieldDisks
	}
	return specField // region and client_token: not fields of a migration
}

// yamlError reports a syntax error. go.yaml.in/yaml/v3 names the line where
// the enclosing block starts, not the line that breaks it; goccy/go-yaml's
// scanner gives the line of the token at fault, so that line is used when it
// finds an error too (one more linear pass, only for a broken file).
func (p *parser) yamlError(err error, data []byte) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if sub := yamlLine.FindStringSubmatch(msg); sub != nil {
		line, _ = strconv.Atoi(sub[1])
		msg = sub[2]
	}
	if l := syntaxErrorLine(data); l > 0 {
		line = l
	}
	p.add(line, "", "not valid YAML: %s", msg)
}

// syntaxErrorLine is the line of the token at which goccy/go-yaml's parser
// fails, or 0.
func syntaxErrorLine(data []byte) int {
	_, err := goccyparser.ParseBytes(data, 0)
	var se *goccy.SyntaxError
	if errors.As(err, &se) && se.Token != nil && se.Token.Position != nil {
		return se.Token.Position.Line
	}
	return 0
}

// validation records the error of a single-value validator at its field.
func (p *parser) validation(line int, where string, err error) {
	var ve *migration.ValidationError
	if errors.As(err, &ve) {
		p.add(line, where, "%s", ve.Message)
		return
	}
	p.add(line, where, "%s", err)
}

// mapping checks a mapping's keys against the known ones and returns the
// value of each, reporting unknown and repeated keys.
func (p *parser) mapping(n *yaml.Node, path string, known []string) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	lines := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		name := k.Value
		field := join(path, name)
		if k.Kind != yaml.ScalarNode {
			p.add(k.Line, path, "a key must be a plain name, not %s", kindName(k))
			continue
		}
		if name == "<<" {
			p.add(k.Line, path, "merge keys (<<) are not supported: put shared values under defaults:")
			continue
		}
		if !slices.Contains(known, name) {
			p.add(k.Line, field, "unknown field%s; known fields: %s", suggest(name, known), strings.Join(known, ", "))
			continue
		}
		if first, dup := lines[name]; dup {
			p.add(k.Line, field, "given twice (first at line %d)", first)
			continue
		}
		lines[name] = k.Line
		out[name] = v
	}
	return out
}

// entry reads the fields of one migration or of the defaults.
func (p *parser) entry(n *yaml.Node, path string) *entry {
	e := &entry{line: n.Line, values: map[string]*yaml.Node{}, lines: map[string]int{}}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; k.Kind == yaml.ScalarNode {
			if _, dup := e.lines[k.Value]; !dup {
				e.lines[k.Value] = k.Line
			}
		}
	}
	e.values = p.mapping(n, path, Fields)
	return e
}

// merge builds one migration from the defaults and the entry: a field given in
// the entry replaces the default's value entirely (lists included); a null
// value unsets the default.
func (p *parser) merge(index int, region string, defaults, e *entry, path string) *Migration {
	mig := &Migration{Index: index, Line: e.line}
	mig.Spec.Region = region
	for _, field := range Fields {
		v, where := e.values[field], path
		if _, given := e.values[field]; !given && defaults != nil {
			v, where = defaults.values[field], "defaults"
		}
		if v == nil || isNull(v) {
			continue
		}
		p.setField(mig, field, v, where+"."+field)
	}
	p.checkAround(mig)
	switch v, given := e.values[fieldInstanceID]; {
	case !given:
		p.add(e.line, path, "instance_id is missing; each migration names its instance")
	case isNull(v) || (v.Kind == yaml.ScalarNode && strings.TrimSpace(v.Value) == ""):
		p.add(e.lines[fieldInstanceID], path+"."+fieldInstanceID, "the instance ID is empty")
	}
	return mig
}

func (p *parser) setField(mig *Migration, field string, v *yaml.Node, path string) {
	s := &mig.Spec
	switch field {
	case fieldInstanceID, fieldTargetZone, fieldTargetVSwitch, fieldTargetInstanceType, fieldResourceGroupID:
		val, ok := p.scalar(v, path)
		if !ok {
			return
		}
		switch field {
		case fieldInstanceID:
			s.InstanceID = val
		case fieldTargetZone:
			s.TargetZone = val
		case fieldTargetVSwitch:
			s.TargetVSwitch = val
		case fieldTargetInstanceType:
			s.TargetInstanceType = val
		case fieldResourceGroupID:
			s.ResourceGroupID = val
		}
	case fieldAutoPay:
		if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" {
			p.add(v.Line, path, "want true or false, not %s", kindName(v))
			return
		}
		var b bool
		if err := v.Decode(&b); err != nil {
			p.add(v.Line, path, "want true or false, not %s", kindName(v))
			return
		}
		s.AutoPay = &b
	case fieldDisks:
		p.disks(s, v, path)
	case fieldSnapshot, fieldBackends, fieldDrainTime, fieldVerify, fieldVerifyTimeout:
		p.aroundField(mig, field, v, path)
	case fieldSkipChecks:
		if v.Kind != yaml.SequenceNode {
			p.add(v.Line, path, "want a list of check IDs, not %s", kindName(v))
			return
		}
		for i, c := range v.Content {
			c = resolve(c)
			id, ok := p.scalar(c, fmt.Sprintf("%s[%d]", path, i))
			if !ok {
				continue
			}
			if !preflight.IsKnown(id) {
				p.add(c.Line, fmt.Sprintf("%s[%d]", path, i), "unknown check %q%s; known checks: %s", id, suggest(id, preflight.IDs), strings.Join(preflight.IDs, ", "))
				continue
			}
			if why := preflight.UnskippableError(id); why != "" {
				p.add(c.Line, fmt.Sprintf("%s[%d]", path, i), "%s", why)
				continue
			}
			if !slices.Contains(mig.SkipChecks, id) {
				mig.SkipChecks = append(mig.SkipChecks, id)
			}
		}
	}
}

// disks reads a list of {id, category, performance_level}, validating each
// disk at its own line.
func (p *parser) disks(s *migration.Spec, v *yaml.Node, path string) {
	if v.Kind != yaml.SequenceNode {
		p.add(v.Line, path, "want a list of disks such as [{id: d-xxx, category: cloud_essd, performance_level: PL1}], not %s", kindName(v))
		return
	}
	seen := map[string]int{}
	for i, raw := range v.Content {
		n := resolve(raw)
		dpath := fmt.Sprintf("%s[%d]", path, i)
		if n.Kind != yaml.MappingNode {
			p.add(n.Line, dpath, "want a mapping {id, category, performance_level}, not %s", kindName(n))
			continue
		}
		before := len(p.err.Problems)
		fields := p.mapping(n, dpath, diskFields)
		var d migration.Disk
		for _, f := range diskFields {
			fn := fields[f]
			if fn == nil || isNull(fn) {
				continue
			}
			val, ok := p.scalar(fn, dpath+"."+f)
			if !ok {
				continue
			}
			switch f {
			case "id":
				d.ID = val
			case "category":
				d.Category = val
			case "performance_level":
				d.PerformanceLevel = val
			}
		}
		if len(p.err.Problems) > before {
			continue
		}
		if d.ID == "" {
			p.add(n.Line, dpath, "id is missing")
			continue
		}
		d = d.Normalized()
		if errs := migration.AsValidationErrors(d.Validate()); errs != nil {
			for _, ve := range errs {
				p.add(n.Line, dpath, "%s", ve.Message)
			}
			continue
		}
		if first, dup := seen[d.ID]; dup {
			p.add(n.Line, dpath, "disk %s is already listed at line %d", d.ID, first)
			continue
		}
		seen[d.ID] = n.Line
		s.Disks = append(s.Disks, d)
	}
}

// scalar returns a string field's value; numbers and the like are taken as
// written, lists and mappings are refused.
func (p *parser) scalar(n *yaml.Node, path string) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		p.add(n.Line, path, "want a single value, not %s", kindName(n))
		return "", false
	}
	return strings.TrimSpace(n.Value), true
}

// resolve follows an alias (*name) to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if isNull(n) {
			return "an empty value"
		}
		return fmt.Sprintf("the value %q", n.Value)
	}
	return "an alias"
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// suggest returns ` (did you mean "x"?)` for a near miss, else "".
func suggest(name string, known []string) string {
	best, bestDist := "", 3
	lower := strings.ToLower(name)
	for _, k := range known {
		if d := distance(lower, k); d < bestDist {
			best, bestDist = k, d
		}
	}
	for _, k := range known {
		if best == "" && (strings.HasPrefix(lower, k) || strings.HasPrefix(k, lower)) {
			best = k
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// distance is the Levenshtein distance of two short strings.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// tooDeep returns the line where the collections of data nest deeper than
// max, or 0: flow collections ([ and {), and block sequences or complex keys
// opened on one line ("- - - x", which costs the decoder as much as "[[[").
// Block nesting by indentation needs ever more bytes per level, so the size
// cap bounds it. Brackets inside quoted scalars and comments do not count;
// the scan is one pass, so a hostile file costs no more than its size.
func tooDeep(data []byte, max int) int {
	depth, line := 0, 1
	var quote byte
	comment := false
	lineStart, indicators := true, 0 // at the start of a line: "- " and "? " seen
	for i, c := range data {
		if lineStart {
			switch {
			case c == ' ' || c == '\t':
				continue
			case (c == '-' || c == '?') && (i+1 == len(data) || data[i+1] == ' ' || data[i+1] == '\t' || data[i+1] == '\n'):
				if indicators++; depth+indicators > max {
					return line
				}
				continue
			case c != '\n':
				lineStart = false
			}
		}
		switch {
		case c == '\n':
			line++
			comment, lineStart, indicators = false, true, 0
			if quote == '\'' || quote == '"' {
				lineStart = false
				continue // a quoted scalar may span lines
			}
		case comment:
		case quote != 0:
			if c == quote && (quote == '\'' || i == 0 || data[i-1] != '\\') {
				quote = 0
			}
		case c == '#' && (i == 0 || data[i-1] == ' ' || data[i-1] == '\t' || data[i-1] == '\n'):
			comment = true
		case (c == '"' || c == '\'') && startsScalar(data[:i]):
			quote = c
		case c == '[' || c == '{':
			if depth++; depth+indicators > max {
				return line
			}
		case c == ']' || c == '}':
			if depth > 0 {
				depth--
			}
		}
	}
	return 0
}

// startsScalar says whether a quote after before opens a quoted scalar: only
// at the start of a value (an apostrophe inside a plain scalar is text).
func startsScalar(before []byte) bool {
	for i := len(before) - 1; i >= 0; i-- {
		switch before[i] {
		case ' ', '\t':
			continue
		case '\n', ':', '-', '[', '{', ',', '?':
			return true
		default:
			return false
		}
	}
	return true
}

// aroundField reads a field of the steps around the job.
func (p *parser) aroundField(mig *Migration, field string, v *yaml.Node, path string) {
	if mig.AroundAt == nil {
		mig.AroundAt = map[string]Problem{}
	}
	mig.AroundAt[field] = Problem{Line: v.Line, Field: path}
	o := &mig.Around
	switch field {
	case fieldSnapshot:
		if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" || v.Decode(&o.Snapshot) != nil {
			p.add(v.Line, path, "want true or false, not %s", kindName(v))
			delete(mig.AroundAt, field)
		}
	case fieldBackends:
		val, ok := p.scalar(v, path)
		if !ok {
			return
		}
		m, err := around.ParseMode(val)
		if err != nil {
			p.validation(v.Line, path, err)
			delete(mig.AroundAt, field)
			return
		}
		o.Backends = m
	case fieldDrainTime, fieldVerifyTimeout:
		val, ok := p.scalar(v, path)
		if !ok {
			return
		}
		d, err := time.ParseDuration(val)
		if err != nil {
			p.add(v.Line, path, "want a duration such as 30s or 2m, not %q", val)
			delete(mig.AroundAt, field)
			return
		}
		if field == fieldDrainTime {
			o.DrainTime = d
		} else {
			o.VerifyTimeout = d
		}
	case fieldVerify:
		val, ok := p.scalar(v, path)
		if !ok {
			return
		}
		o.Verify = val
	}
}

// checkAround checks the steps' fields against each other, each problem at
// the line of its field. Whether they need --wait is the command's to say.
func (p *parser) checkAround(mig *Migration) {
	if len(mig.AroundAt) == 0 {
		return
	}
	// A drain time in defaults is for the entries that drain: only an
	// entry's own must go with its backends drain.
	drain, drainSet := mig.AroundAt[fieldDrainTime]
	drainSet = drainSet && !strings.HasPrefix(drain.Field, "defaults.")
	_, verifySet := mig.AroundAt[fieldVerify]
	for _, e := range migration.AsValidationErrors(mig.Around.Validate(true, drainSet, verifySet)) {
		at := mig.AroundAt[e.Field]
		if at.Field == "" {
			at = Problem{Line: mig.Line, Field: fmt.Sprintf("migrations[%d]", mig.Index)}
		}
		p.add(at.Line, at.Field, "%s", e.Message)
	}
}
