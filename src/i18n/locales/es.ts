import type { Messages } from '../catalog.js';

/** Spanish (neutral, informal "tú" as in most consumer apps). */
export const es: Messages = {
  'hint.no-face': 'Coloca tu rostro dentro del marco',
  'hint.multiple-faces': 'Solo debe aparecer una persona',
  'hint.move-closer': 'Acércate un poco',
  'hint.move-back': 'Aléjate un poco',
  'hint.center-face': 'Centra tu rostro en el marco',
  'hint.too-dark': 'Hay poca luz. Busca un lugar más iluminado',
  'hint.too-bright': 'Hay demasiada luz. Evita la luz directa',
  'hint.too-blurry': 'Imagen borrosa. Evita moverte',
  'hint.face-turned': 'Mira directamente a la cámara',
  'hint.hold-still': 'No te muevas',

  'state.idle': 'Tomaremos una foto rápida para comprobar que realmente estás aquí.',
  'state.starting': 'Iniciando la cámara…',
  'state.loading': 'Cargando la detección de rostros…',
  'state.detecting': 'Buscando tu rostro…',
  'state.capturing': 'Tomando la foto…',
  'state.submitting': 'Comprobando…',
  'state.passed': 'Verificación superada',
  'state.failed': 'Verificación no superada',
  'state.error': 'Se produjo un error',

  'result.pass.title': 'Verificación completada',
  'result.pass.body': 'Gracias, ya está todo listo.',
  'result.fail.title': 'No pudimos completar la verificación',
  'result.fail.body': 'Asegúrate de que tu rostro esté bien iluminado y completamente visible, y vuelve a intentarlo.',
  'result.error.title': 'Se produjo un error',

  'button.start': 'Empezar',
  'button.capture': 'Tomar foto',
  'button.retry': 'Reintentar',
  'button.cancel': 'Cancelar',
  'label.preview': 'Vista previa de la cámara',
  'label.guide': 'Guía para colocar el rostro',
  'label.score': 'Puntuación: {score}',
  'label.error-code': 'Código de error: {code}',
  'label.progress': 'Preparando la foto',
  'label.camera': 'Cámara',
  countdown: 'No te muevas… {seconds}',
  progress: 'Progreso: {percent}\u00a0%',

  'error.FACE_NOT_DETECTED':
    'No detectamos ningún rostro en la foto. Mira a la cámara en un lugar con buena luz y vuelve a intentarlo.',
  'error.FACE_TOO_SMALL': 'Tu rostro se veía muy pequeño en la foto. Acércate a la cámara y vuelve a intentarlo.',
  'error.INVALID_IMAGE_PAYLOAD': 'No se pudo procesar la foto. Vuelve a intentarlo.',
  'error.PAYLOAD_TOO_LARGE': 'La foto era demasiado grande para enviarla. Vuelve a intentarlo.',
  'error.UNAUTHORIZED': 'Esta verificación no está bien configurada. Ponte en contacto con el soporte del sitio.',
  'error.RATE_LIMITED': 'Hay demasiados intentos en este momento. Espera un poco y vuelve a intentarlo.',
  'error.SERVER_ERROR': 'El servicio no responde. Vuelve a intentarlo en unos minutos.',
  'error.NETWORK_ERROR': 'No se pudo conectar. Revisa tu conexión a internet y vuelve a intentarlo.',
  'error.INVALID_RESPONSE':
    'El servicio envió una respuesta inesperada. Inténtalo más tarde o ponte en contacto con el soporte del sitio.',
  'error.IMAGE_TOO_LARGE': 'No se pudo reducir la foto lo suficiente para enviarla. Vuelve a intentarlo.',
  'error.CAMERA_DENIED':
    'El acceso a la cámara está bloqueado. Permítelo en la configuración del sitio de tu navegador (el icono junto a la barra de direcciones) y vuelve a cargar la página.',
  'error.NO_CAMERA': 'No se encontró ninguna cámara. Conecta una o usa un dispositivo que tenga cámara.',
  'error.CAMERA_IN_USE': 'La cámara está ocupada. Cierra otras apps o pestañas que la estén usando y vuelve a intentarlo.',
  'error.UNSUPPORTED':
    'Tu navegador no puede usar la cámara en esta página. Prueba con un navegador actualizado o ponte en contacto con el soporte del sitio.',
  'error.CAMERA_LOST': 'La cámara dejó de enviar imagen. Comprueba que esté conectada y que nada más la use, y vuelve a intentarlo.',
  'error.DETECTION_FAILED': 'La detección de rostro dejó de funcionar. Vuelve a intentarlo.',
  'error.DETECTOR_UNAVAILABLE':
    'No se pudo cargar la detección de rostros. Revisa tu conexión y vuelve a cargar la página.',
  'error.INVALID_CONFIG':
    'La verificación con cámara de esta página está mal configurada y no puede empezar. Ponte en contacto con el soporte del sitio.',
  'error.SESSION_INVALID': 'Esta verificación ha caducado o ya se ha usado. Recarga la página para empezar una nueva.',
  'error.IMAGE_REPLAYED': 'Esta foto ya se ha usado. Toma una nueva, por favor.',
  'error.STORE_UNAVAILABLE': 'El servicio no está disponible por un momento. Espera un poco y vuelve a intentarlo.',
  'error.VIRTUAL_CAMERA': 'Esta cámara es virtual y no se puede usar aquí. Elige la cámara de tu dispositivo y vuelve a intentarlo.',
  'error.INTERNAL_ERROR':
    'La verificación con cámara de esta página se detuvo por un error inesperado. Vuelve a cargar la página o contacta con el equipo de soporte del sitio si vuelve a ocurrir.',
  'error.SESSION_INVALID.renew': 'Esta verificación ha caducado. Selecciona Reintentar para empezar una nueva.',
};
