import type { Messages } from '../catalog.js';

/** German: short hints in the infinitive style of German UIs, sentences with "Sie". */
export const de: Messages = {
  'hint.no-face': 'Gesicht im Rahmen positionieren',
  'hint.multiple-faces': 'Bitte nur eine Person im Bild',
  'hint.move-closer': 'Etwas näher herankommen',
  'hint.move-back': 'Etwas zurückgehen',
  'hint.center-face': 'Gesicht mittig im Rahmen ausrichten',
  'hint.too-dark': 'Zu dunkel. Helleren Ort suchen',
  'hint.too-bright': 'Zu hell. Direktes Licht vermeiden',
  'hint.too-blurry': 'Bild unscharf. Ruhig halten',
  'hint.face-turned': 'Direkt in die Kamera schauen',
  'hint.hold-still': 'Nicht bewegen',

  'state.idle': 'Wir machen kurz ein Foto, um zu prüfen, ob Sie wirklich da sind.',
  'state.starting': 'Kamera wird gestartet…',
  'state.loading': 'Gesichtserkennung wird geladen…',
  'state.detecting': 'Gesicht wird gesucht…',
  'state.capturing': 'Foto wird aufgenommen…',
  'state.submitting': 'Wird geprüft…',
  'state.passed': 'Prüfung bestanden',
  'state.failed': 'Prüfung nicht bestanden',
  'state.error': 'Etwas ist schiefgelaufen',

  'result.pass.title': 'Prüfung erfolgreich',
  'result.pass.body': 'Vielen Dank, die Prüfung ist abgeschlossen.',
  'result.fail.title': 'Die Prüfung konnte nicht abgeschlossen werden',
  'result.fail.body':
    'Achten Sie darauf, dass Ihr Gesicht gut beleuchtet und vollständig zu sehen ist, und versuchen Sie es dann erneut.',
  'result.error.title': 'Etwas ist schiefgelaufen',

  'button.start': 'Starten',
  'button.capture': 'Foto aufnehmen',
  'button.retry': 'Erneut versuchen',
  'button.cancel': 'Abbrechen',
  'label.preview': 'Kameravorschau',
  'label.guide': 'Positionierungshilfe für das Gesicht',
  'label.score': 'Punktzahl: {score}',
  'label.error-code': 'Fehlercode: {code}',
  'label.progress': 'Foto wird vorbereitet',
  'label.camera': 'Kamera',
  countdown: 'Nicht bewegen… {seconds}',
  progress: 'Fortschritt: {percent}\u00a0%',

  'error.FACE_NOT_DETECTED':
    'Auf dem Foto wurde kein Gesicht erkannt. Schauen Sie bei guter Beleuchtung in die Kamera und versuchen Sie es erneut.',
  'error.FACE_TOO_SMALL':
    'Ihr Gesicht war auf dem Foto zu klein. Gehen Sie näher an die Kamera heran und versuchen Sie es erneut.',
  'error.INVALID_IMAGE_PAYLOAD': 'Das Foto konnte nicht verarbeitet werden. Bitte versuchen Sie es erneut.',
  'error.PAYLOAD_TOO_LARGE': 'Das Foto war zum Senden zu groß. Bitte versuchen Sie es erneut.',
  'error.UNAUTHORIZED':
    'Diese Prüfung ist nicht richtig eingerichtet. Bitte wenden Sie sich an den Support der Website.',
  'error.RATE_LIMITED': 'Gerade gibt es zu viele Versuche. Warten Sie einen Moment und versuchen Sie es dann erneut.',
  'error.SERVER_ERROR': 'Der Dienst antwortet nicht. Versuchen Sie es in ein paar Minuten erneut.',
  'error.NETWORK_ERROR': 'Keine Verbindung. Prüfen Sie Ihre Internetverbindung und versuchen Sie es erneut.',
  'error.INVALID_RESPONSE':
    'Der Dienst hat eine unerwartete Antwort gesendet. Versuchen Sie es später erneut oder wenden Sie sich an den Support der Website.',
  'error.IMAGE_TOO_LARGE':
    'Das Foto ließ sich nicht genug verkleinern, um es zu senden. Bitte versuchen Sie es erneut.',
  'error.CAMERA_DENIED':
    'Der Kamerazugriff ist blockiert. Erlauben Sie ihn in den Website-Einstellungen Ihres Browsers (Symbol neben der Adressleiste) und laden Sie die Seite dann neu.',
  'error.NO_CAMERA': 'Keine Kamera gefunden. Schließen Sie eine Kamera an oder verwenden Sie ein Gerät mit Kamera.',
  'error.CAMERA_IN_USE':
    'Die Kamera wird gerade verwendet. Schließen Sie andere Apps oder Tabs, die sie nutzen, und versuchen Sie es erneut.',
  'error.UNSUPPORTED':
    'Ihr Browser kann auf dieser Seite nicht auf die Kamera zugreifen. Verwenden Sie einen aktuellen Browser oder wenden Sie sich an den Support der Website.',
  'error.CAMERA_LOST': 'Die Kamera liefert kein Bild mehr. Prüfe, ob sie angeschlossen ist und nicht anderweitig verwendet wird, und versuche es erneut.',
  'error.DETECTION_FAILED': 'Die Gesichtserkennung funktioniert nicht mehr. Bitte versuche es erneut.',
  'error.DETECTOR_UNAVAILABLE':
    'Die Gesichtserkennung konnte nicht geladen werden. Prüfen Sie Ihre Verbindung und laden Sie die Seite neu.',
  'error.INVALID_CONFIG':
    'Die Kameraprüfung dieser Seite ist falsch eingerichtet und kann nicht starten. Bitte wenden Sie sich an den Support der Website.',
  'error.SESSION_INVALID': 'Diese Prüfung ist abgelaufen oder wurde bereits verwendet. Laden Sie die Seite neu, um eine neue zu starten.',
  'error.IMAGE_REPLAYED': 'Dieses Foto wurde bereits verwendet. Bitte nehmen Sie ein neues auf.',
  'error.STORE_UNAVAILABLE': 'Der Dienst ist kurz nicht verfügbar. Warten Sie einen Moment und versuchen Sie es dann erneut.',
  'error.VIRTUAL_CAMERA': 'Dies ist eine virtuelle Kamera, die hier nicht verwendet werden kann. Wählen Sie die Kamera Ihres Geräts und versuchen Sie es erneut.',
  'error.INTERNAL_ERROR':
    'Die Kameraprüfung dieser Seite wurde durch einen unerwarteten Fehler beendet. Laden Sie die Seite neu oder wenden Sie sich an den Support der Website, wenn es wieder passiert.',
  'error.SESSION_INVALID.renew': 'Diese Prüfung ist abgelaufen. Wählen Sie „Erneut versuchen“, um eine neue zu starten.',
};
