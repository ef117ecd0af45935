package migration

import (
	"slices"
	"strings"
	"testing"
	"unicode"
)

func TestParseDisk(t *testing.T) {
	tests := []struct {
		in      string
		want    Disk
		wantErr string
	}{
		{in: "id=d-bp1eeplkn4j29wf70001", want: Disk{ID: "d-bp1eeplkn4j29wf70001"}},
		{in: "id=d-bp1eeplkn4j29wf70001,category=cloud_essd,performance-level=PL2", want: Disk{ID: "d-bp1eeplkn4j29wf70001", Category: "cloud_essd", PerformanceLevel: "PL2"}},
		{in: "id=d-bp1eeplkn4j29wf70001,pl=pl1", want: Disk{ID: "d-bp1eeplkn4j29wf70001", PerformanceLevel: "PL1"}},
		{in: " id = d-bp1eeplkn4j29wf70001 , Category = CLOUD_AUTO ", want: Disk{ID: "d-bp1eeplkn4j29wf70001", Category: "cloud_auto"}},
		{in: "", wantErr: "empty value"},
		{in: "d-bp1eeplkn4j29wf70001", wantErr: "is not key=value"},
		{in: "id=d-bp1eeplkn4j29wf70001,size=40", wantErr: `unknown key "size"`},
		{in: "id=d-bp1eeplkn4j29wf70001,pl=PL1,performance-level=PL2", wantErr: "given twice"},
		{in: "id=,category=cloud_essd", wantErr: "id= has no value"},
		{in: "category=cloud_essd", wantErr: "id= is required"},
		{in: "id=disk-1", wantErr: "not a valid ID"},
		{in: "id=d-bp1eeplkn4j29wf70001,category=ssd", wantErr: `unknown category "ssd"`},
		{in: "id=d-bp1eeplkn4j29wf70001,pl=PL9", wantErr: `unknown performance level "PL9"`},
		{in: "id=d-bp1eeplkn4j29wf70001,category=cloud_efficiency,pl=PL0", wantErr: "needs category cloud_essd"},
	}
	for _, tt := range tests {
		got, err := ParseDisk(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseDisk(%q) error = %v; want it to contain %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseDisk(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}

func TestClientToken(t *testing.T) {
	for _, ok := range []string{"123e4567-e89b-12d3-a456-426655440000", strings.Repeat("x", 64), "a!~"} {
		if err := clientToken("--client-token", ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", strings.Repeat("x", 65), "with space", "tök", "tab\t"} {
		if err := clientToken("--client-token", bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestSpecRequest(t *testing.T) {
	no := false
	s := &Spec{Region: "cn-hangzhou", InstanceID: "i-bp1ff25rzvnul6kr0001", TargetZone: "cn-hangzhou-i", AutoPay: &no,
		Disks: []Disk{{ID: "d-bp1eeplkn4j29wf70001", Category: "cloud_essd", PerformanceLevel: "PL1"}}, ClientToken: "t"}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	r := s.Request()
	if r.RegionId != "cn-hangzhou" || r.TargetZoneId != "cn-hangzhou-i" || r.AutoPay == nil || *r.AutoPay || len(r.Disk) != 1 || r.Disk[0].PerformanceLevel != "PL1" || r.ClientToken != "t" {
		t.Errorf("Request() = %+v", r)
	}
	s.Disks = append(s.Disks, s.Disks[0])
	if err := s.Validate(); err == nil || !strings.Contains(err.Error(), "more than once") {
		t.Errorf("duplicate disk: %v", err)
	}
}

// FuzzParseDisk: the parser never panics, and what it accepts is valid and
// survives a round trip through String.
func FuzzParseDisk(f *testing.F) {
	for _, s := range []string{"id=d-bp1eeplkn4j29wf70001", "id=d-abcd,category=cloud_essd,pl=PL3", "id=d-abcd,,", "=", "id=d-abcd,category=cloud,pl=PL0", "pl=PL1,id=d-zzzz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDisk(s)
		if err != nil {
			return
		}
		if verr := d.Validate(); verr != nil {
			t.Fatalf("ParseDisk(%q) accepted an invalid disk %+v: %v", s, d, verr)
		}
		if d.PerformanceLevel != "" && d.Category != "" && d.Category != CategoryESSD {
			t.Fatalf("ParseDisk(%q) accepted a PL on %s", s, d.Category)
		}
		back, err := ParseDisk(d.String())
		if err != nil || back != d {
			t.Fatalf("round trip of %q: %+v -> %q -> %+v, %v", s, d, d.String(), back, err)
		}
	})
}

// FuzzClientToken: an accepted token is at most 64 printable ASCII
// characters, and everything else is refused.
func FuzzClientToken(f *testing.F) {
	for _, s := range []string{"123e4567-e89b-12d3-a456-426655440000", "", "é", strings.Repeat("a", 65), "a b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := clientToken("--client-token", s)
		valid := s != "" && len(s) <= MaxClientToken && strings.IndexFunc(s, func(r rune) bool {
			return r > unicode.MaxASCII || !unicode.IsPrint(r) || r == ' '
		}) < 0
		if (err == nil) != valid {
			t.Fatalf("clientToken(%q) = %v; valid = %v", s, err, valid)
		}
	})
}

// TestValidateAllFields: every bad value is reported, each keyed by its field,
// in the order of the spec's fields; disks carry their position.
func TestValidateAllFields(t *testing.T) {
	s := &Spec{Region: "cn-hangzhou", TargetZone: "cn_hangzhou_i", TargetVSwitch: "sw-1", TargetInstanceType: "g7",
		ResourceGroupID: "group", ClientToken: "a b",
		Disks: []Disk{{ID: "d-bp1eeplkn4j29wf70001"}, {ID: "d-bp1eeplkn4j29wf70002", Category: "ssd", PerformanceLevel: "PL9"}, {ID: "d-bp1eeplkn4j29wf70001"}}}
	type key struct {
		field string
		disk  int
	}
	want := []key{{FieldInstanceID, 0}, {FieldTargetZone, 0}, {FieldTargetVSwitch, 0}, {FieldTargetInstanceType, 0},
		{FieldResourceGroupID, 0}, {FieldClientToken, 0}, {FieldDisks, 1}, {FieldDisks, 1}, {FieldDisks, 2}}
	errs := AsValidationErrors(s.Validate())
	var got []key
	for _, e := range errs {
		got = append(got, key{e.Field, e.Disk})
		if strings.Contains(e.Message, "--") {
			t.Errorf("message %q names a flag; callers name fields", e.Message)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("keys %v; want %v\n%v", got, want, errs)
	}
	if (&Spec{Region: "cn-hangzhou", InstanceID: "i-bp1ff25rzvnul6kr0001", TargetZone: "cn-hangzhou-i"}).Validate() != nil {
		t.Error("a good spec is refused")
	}
}
