package assets

import _ "embed"

// ZIPCentroids is the Census 2020 ZCTA table "zip,lat,lon", one row per ZCTA,
// sorted by ZIP. referral/geo parses it on first use.
//
//go:embed us-zip-centroids.csv
var ZIPCentroids []byte
