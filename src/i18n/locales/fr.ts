import type { Messages } from '../catalog.js';

/** French ("vous"; narrow typographic spaces before ":" and "%" are non-breaking). */
export const fr: Messages = {
  'hint.no-face': 'Placez votre visage dans le cadre',
  'hint.multiple-faces': 'Une seule personne doit être visible',
  'hint.move-closer': 'Rapprochez-vous un peu',
  'hint.move-back': 'Reculez un peu',
  'hint.center-face': 'Centrez votre visage dans le cadre',
  'hint.too-dark': 'Trop sombre. Trouvez un endroit plus éclairé',
  'hint.too-bright': 'Trop lumineux. Évitez la lumière directe',
  'hint.too-blurry': 'Image floue. Restez immobile',
  'hint.face-turned': 'Placez-vous bien face à la caméra',
  'hint.hold-still': 'Ne bougez plus',

  'state.idle': 'Nous allons prendre une photo rapide pour vérifier que vous êtes bien là.',
  'state.starting': 'Démarrage de la caméra…',
  'state.loading': 'Chargement de la détection du visage…',
  'state.detecting': 'Recherche de votre visage…',
  'state.capturing': 'Prise de la photo…',
  'state.submitting': 'Vérification…',
  'state.passed': 'Vérification réussie',
  'state.failed': 'Vérification non aboutie',
  'state.error': 'Un problème est survenu',

  'result.pass.title': 'Vérification réussie',
  'result.pass.body': 'Merci, tout est en ordre.',
  'result.fail.title': 'Nous n’avons pas pu terminer la vérification',
  'result.fail.body': 'Assurez-vous que votre visage est bien éclairé et entièrement visible, puis réessayez.',
  'result.error.title': 'Un problème est survenu',

  'button.start': 'Commencer',
  'button.capture': 'Prendre la photo',
  'button.retry': 'Réessayer',
  'button.cancel': 'Annuler',
  'label.preview': 'Aperçu de la caméra',
  'label.guide': 'Repère de positionnement du visage',
  'label.score': 'Score\u00a0: {score}',
  'label.error-code': 'Code d’erreur\u00a0: {code}',
  'label.progress': 'Préparation de la photo',
  'label.camera': 'Caméra',
  countdown: 'Ne bougez plus… {seconds}',
  progress: 'Progression\u00a0: {percent}\u00a0%',

  'error.FACE_NOT_DETECTED':
    'Aucun visage n’a été détecté sur la photo. Placez-vous face à la caméra, dans un endroit bien éclairé, puis réessayez.',
  'error.FACE_TOO_SMALL': 'Votre visage apparaissait trop petit sur la photo. Rapprochez-vous de la caméra, puis réessayez.',
  'error.INVALID_IMAGE_PAYLOAD': 'La photo n’a pas pu être traitée. Veuillez réessayer.',
  'error.PAYLOAD_TOO_LARGE': 'La photo était trop volumineuse pour être envoyée. Veuillez réessayer.',
  'error.UNAUTHORIZED': 'Cette vérification n’est pas configurée correctement. Contactez l’assistance du site.',
  'error.RATE_LIMITED': 'Trop de tentatives pour le moment. Patientez un instant, puis réessayez.',
  'error.SERVER_ERROR': 'Le service ne répond pas. Réessayez dans quelques minutes.',
  'error.NETWORK_ERROR': 'Connexion impossible. Vérifiez votre connexion Internet, puis réessayez.',
  'error.INVALID_RESPONSE':
    'Le service a renvoyé une réponse inattendue. Réessayez plus tard ou contactez l’assistance du site.',
  'error.IMAGE_TOO_LARGE': 'La photo n’a pas pu être suffisamment réduite pour être envoyée. Veuillez réessayer.',
  'error.CAMERA_DENIED':
    'L’accès à la caméra est bloqué. Autorisez-le dans les paramètres du site de votre navigateur (l’icône à côté de la barre d’adresse), puis rechargez la page.',
  'error.NO_CAMERA': 'Aucune caméra détectée. Branchez une caméra ou utilisez un appareil qui en est équipé.',
  'error.CAMERA_IN_USE':
    'La caméra est déjà utilisée. Fermez les autres applications ou onglets qui l’utilisent, puis réessayez.',
  'error.UNSUPPORTED':
    'Votre navigateur ne peut pas utiliser la caméra sur cette page. Essayez un navigateur à jour ou contactez l’assistance du site.',
  'error.CAMERA_LOST': 'La caméra n’envoie plus d’image. Vérifiez qu’elle est branchée et qu’aucune autre application ne l’utilise, puis réessayez.',
  'error.DETECTION_FAILED': 'La détection du visage a cessé de fonctionner. Veuillez réessayer.',
  'error.DETECTOR_UNAVAILABLE':
    'Impossible de charger la détection du visage. Vérifiez votre connexion, puis rechargez la page.',
  'error.INVALID_CONFIG':
    'La vérification par caméra de cette page est mal configurée et ne peut pas démarrer. Contactez l’assistance du site.',
  'error.SESSION_INVALID': 'Cette vérification a expiré ou a déjà été utilisée. Rechargez la page pour en commencer une nouvelle.',
  'error.IMAGE_REPLAYED': 'Cette photo a déjà été utilisée. Veuillez en prendre une nouvelle.',
  'error.STORE_UNAVAILABLE': 'Le service est momentanément indisponible. Patientez un instant, puis réessayez.',
  'error.VIRTUAL_CAMERA': 'Cette caméra est une caméra virtuelle, qui ne peut pas être utilisée ici. Choisissez la caméra de votre appareil et réessayez.',
  'error.INTERNAL_ERROR':
    'La vérification par caméra de cette page s’est arrêtée sur une erreur inattendue. Rechargez la page, ou contactez l’équipe d’assistance du site si cela se reproduit.',
  'error.SESSION_INVALID.renew': 'Cette vérification a expiré. Sélectionnez Réessayer pour en commencer une nouvelle.',
};
