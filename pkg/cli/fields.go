package cli

import "github.com/zonemove/zonemove/pkg/migration"

// flagName spells a field of migration.Spec as the create flag that sets it.
func flagName(field string) string {
	switch field {
	case migration.FieldRegion:
		return "--region"
	case migration.FieldInstanceID:
		return "--instance-id"
	case migration.FieldTargetZone:
		return "--target-zone"
	case migration.FieldTargetVSwitch:
		return "--target-vswitch"
	case migration.FieldTargetInstanceType:
		return "--target-instance-type"
	case migration.FieldResourceGroupID:
		return "--resource-group-id"
	case migration.FieldClientToken:
		return "--client-token"
	case migration.FieldDisks:
		return "--disk"
	}
	return field
}

// flagErrors names the fields of spec validation errors by their flags; any
// other error is returned as it is.
func flagErrors(err error) error {
	es := migration.AsValidationErrors(err)
	if es == nil {
		return err
	}
	named := make(migration.ValidationErrors, len(es))
	for i, e := range es {
		named[i] = &migration.ValidationError{Field: flagName(e.Field), Disk: e.Disk, Message: e.Message}
	}
	return named
}
