package assets

import (
	_ "embed"
	"encoding/json"
	"sync"
)

// meetingGuideTypesJSON is the Meeting Guide type vocabulary: a JSON object
// keyed by type code whose values map a language code to the type's name.
//
//go:embed meeting-guide-types.json
var meetingGuideTypesJSON []byte

var meetingGuideTypes = sync.OnceValue(func() map[string]map[string]string {
	var m map[string]map[string]string
	if err := json.Unmarshal(meetingGuideTypesJSON, &m); err != nil {
		// The file is part of the build; a broken copy is a programming error
		// that the package's test catches before release.
		panic("assets: meeting-guide-types.json: " + err.Error())
	}
	return m
})

// MeetingGuideTypes returns the Meeting Guide meeting-type vocabulary:
// code → language code (en, es, fr, …) → name, e.g. ["S"]["es"] == "Español".
// The map is shared and must not be modified.
func MeetingGuideTypes() map[string]map[string]string {
	return meetingGuideTypes()
}
