package plan

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ErrNothingPlaced is returned for a manifest of a plan that places no
// instance: apply refuses an empty list of migrations.
var ErrNothingPlaced = errors.New("no instance has a zone: there is nothing to write to a manifest")

// Manifest renders an apply manifest (docs/batch.md) with one migration per
// placed instance, in plan order, each under a comment that says why that
// zone, vSwitch and type. review is the command line, written by the caller,
// that the comment at the top says to run next.
func (p *Plan) Manifest(region, review string) ([]byte, error) {
	placed := p.Placed()
	if len(placed) == 0 {
		return nil, ErrNothingPlaced
	}
	list := &yaml.Node{Kind: yaml.SequenceNode}
	for _, ip := range placed {
		list.Content = append(list.Content, entry(ip))
	}
	root := &yaml.Node{Kind: yaml.MappingNode, HeadComment: header(p, len(placed), review)}
	root.Content = append(root.Content, scalar("region"), scalar(region), scalar("migrations"), list)

	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}); err != nil {
		return nil, fmt.Errorf("rendering the manifest: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("rendering the manifest: %w", err)
	}
	return buf.Bytes(), nil
}

// header names what the manifest holds, what it leaves out, and what to run.
func header(p *Plan, placed int, review string) string {
	lines := []string{
		fmt.Sprintf("Written by zonemove plan: %d of %s placed.", placed, count(int64(len(p.Plans)), "instance")),
		"Review each entry, then: " + review,
	}
	if un := p.Unplaced(); len(un) > 0 {
		lines = append(lines, "Not listed:")
		for _, ip := range un {
			lines = append(lines, "  "+ip.InstanceID+": "+ip.Reason)
		}
	}
	return strings.Join(lines, "\n")
}

// entry is one migration, with the plan's reasons as its comment.
func entry(ip *InstancePlan) *yaml.Node {
	ch := ip.Choice
	c := ip.Candidate(ch.ZoneID)
	n := &yaml.Node{Kind: yaml.MappingNode}
	add := func(k, v string) { n.Content = append(n.Content, scalar(k), scalar(v)) }
	add("instance_id", ip.InstanceID)
	add("target_zone", ch.ZoneID)
	add("target_vswitch", ch.TargetVSwitch)
	if ch.TypeChange {
		add("target_instance_type", ch.TargetInstanceType)
	}
	why := []string{
		fmt.Sprintf("%s, %s in %s", ip.InstanceID, ip.InstanceType, ip.ZoneID),
		"  zone:    " + ch.Reason,
		"  vSwitch: " + c.VSwitchNote,
		"  type:    " + c.TypeNote,
	}
	if c.Billing != "" {
		why = append(why, "  billing: "+c.Billing)
	}
	if len(c.Warnings) > 0 {
		why = append(why, "  warns:   "+strings.Join(c.Warnings, ", ")+" (apply --dry-run shows them)")
	}
	n.HeadComment = strings.Join(why, "\n")
	return n
}

func scalar(v string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v}
}
