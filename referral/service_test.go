package referral_test

import (
	"testing"

	"referraldesk/referral"
)

func TestServiceName(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"25019 Monthly Business Meeting District 19", true},
		{"District 7 business mtg", true},
		{"Area 59 Assembly", false}, // a number between: read as the area's name, not a phrase
		{"Area Assembly", true},
		{"Eastern PA Area Committee", true},
		{"SEPIA Intergroup Meeting", true},
		{"Intergroup Noon", false}, // a recovery meeting held at the intergroup office
		{"GSR Orientation", true},
		{"H&I Committee", true},
		{"Steering Committee", true},
		{"Group Conscience Meeting", true},
		{"Pennypack Park--meets inside or outside per group conscience", false}, // a real SEPIA listing
		{"Greater Philadelphia Area Service Committee", true},
		{"Reunión de Servicio", true},
		{"Junta de negocios", true},
		{"Comité de Área", true},
		{"Area 51 Group", false},
		{"Bay Area Meeting", false},
		{"Service to Others Step Study", false},
		{"Monday Night Business Women", false},
		{"District Line Discussion", false},
		{"Hope on Broad Street", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := referral.ServiceName(tt.name); got != tt.want {
				t.Errorf("ServiceName(%q) = %v, want %v", tt.name, got, tt.want)
			}
		})
	}
}
