package app

import "referraldesk/referral"

// reset makes the bar ready for the next client: no first name or label,
// the clinic's language and paper, normal print. (A preview of the last
// client's sheet is forgotten as it closes, see showPreview, and it is
// modal: it is closed before anything here can be reached.)
func (b *sheetBar) reset(s referral.Settings) {
	b.firstName.SetText("")
	b.label.SetText("")
	b.large.SetChecked(false)
	b.lang.ClearSelected()
	b.paper.ClearSelected()
	b.applySettings(s)
	b.update()
}
