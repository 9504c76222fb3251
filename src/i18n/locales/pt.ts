import type { Messages } from '../catalog.js';

/** Portuguese: Brazilian spelling ("câmera"), neutral wording where both variants allow it. */
export const pt: Messages = {
  'hint.no-face': 'Posicione o rosto dentro do quadro',
  'hint.multiple-faces': 'Apenas uma pessoa deve aparecer',
  'hint.move-closer': 'Aproxime-se um pouco',
  'hint.move-back': 'Afaste-se um pouco',
  'hint.center-face': 'Posicione o rosto no centro do quadro',
  'hint.too-dark': 'Muito escuro. Procure um lugar mais iluminado',
  'hint.too-bright': 'Muito claro. Evite luz direta',
  'hint.too-blurry': 'Imagem desfocada. Evite se mexer',
  'hint.face-turned': 'Olhe diretamente para a câmera',
  'hint.hold-still': 'Não se mexa',

  'state.idle': 'Vamos tirar uma foto rápida para confirmar que você está realmente aqui.',
  'state.starting': 'Iniciando a câmera…',
  'state.loading': 'Carregando a detecção facial…',
  'state.detecting': 'Procurando o rosto…',
  'state.capturing': 'Tirando a foto…',
  'state.submitting': 'Verificando…',
  'state.passed': 'Verificação aprovada',
  'state.failed': 'Verificação não aprovada',
  'state.error': 'Ocorreu um erro',

  'result.pass.title': 'Verificação concluída',
  'result.pass.body': 'Obrigado! Está tudo certo.',
  'result.fail.title': 'Não foi possível concluir a verificação',
  'result.fail.body': 'Verifique se o rosto está bem iluminado e totalmente visível e tente novamente.',
  'result.error.title': 'Ocorreu um erro',

  'button.start': 'Começar',
  'button.capture': 'Tirar foto',
  'button.retry': 'Tentar novamente',
  'button.cancel': 'Cancelar',
  'label.preview': 'Visualização da câmera',
  'label.guide': 'Guia de posicionamento do rosto',
  'label.score': 'Pontuação: {score}',
  'label.error-code': 'Código do erro: {code}',
  'label.progress': 'Preparando a foto',
  'label.camera': 'Câmera',
  countdown: 'Não se mexa… {seconds}',
  progress: 'Progresso: {percent}%',

  'error.FACE_NOT_DETECTED':
    'Não encontramos um rosto na foto. Olhe para a câmera em um lugar bem iluminado e tente novamente.',
  'error.FACE_TOO_SMALL': 'O rosto ficou muito pequeno na foto. Aproxime-se da câmera e tente novamente.',
  'error.INVALID_IMAGE_PAYLOAD': 'Não foi possível processar a foto. Tente novamente.',
  'error.PAYLOAD_TOO_LARGE': 'A foto era grande demais para ser enviada. Tente novamente.',
  'error.UNAUTHORIZED': 'Esta verificação não está configurada corretamente. Entre em contato com o suporte do site.',
  'error.RATE_LIMITED': 'Há muitas tentativas no momento. Aguarde um pouco e tente novamente.',
  'error.SERVER_ERROR': 'O serviço não está respondendo. Tente novamente em alguns minutos.',
  'error.NETWORK_ERROR': 'Não foi possível conectar. Verifique sua conexão com a internet e tente novamente.',
  'error.INVALID_RESPONSE':
    'O serviço enviou uma resposta inesperada. Tente novamente mais tarde ou entre em contato com o suporte do site.',
  'error.IMAGE_TOO_LARGE': 'Não foi possível reduzir a foto o suficiente para enviá-la. Tente novamente.',
  'error.CAMERA_DENIED':
    'O acesso à câmera está bloqueado. Permita o acesso nas configurações do site no navegador (o ícone ao lado da barra de endereço) e recarregue a página.',
  'error.NO_CAMERA': 'Nenhuma câmera encontrada. Conecte uma câmera ou use um dispositivo que tenha uma.',
  'error.CAMERA_IN_USE':
    'A câmera já está em uso. Feche outros aplicativos ou abas que estejam usando a câmera e tente novamente.',
  'error.UNSUPPORTED':
    'Seu navegador não consegue usar a câmera nesta página. Tente um navegador atualizado ou entre em contato com o suporte do site.',
  'error.CAMERA_LOST': 'A câmera parou de enviar imagem. Verifique se está conectada e se nenhum outro app a está usando, e tente novamente.',
  'error.DETECTION_FAILED': 'A detecção de rosto parou de funcionar. Tente novamente.',
  'error.DETECTOR_UNAVAILABLE':
    'Não foi possível carregar a detecção facial. Verifique sua conexão e recarregue a página.',
  'error.INVALID_CONFIG':
    'A verificação por câmera desta página está configurada incorretamente e não pode começar. Entre em contato com o suporte do site.',
  'error.SESSION_INVALID': 'Esta verificação expirou ou já foi usada. Recarregue a página para iniciar uma nova.',
  'error.IMAGE_REPLAYED': 'Esta foto já foi usada. Tire uma nova, por favor.',
  'error.STORE_UNAVAILABLE': 'O serviço está indisponível no momento. Aguarde um pouco e tente novamente.',
  'error.VIRTUAL_CAMERA': 'Esta é uma câmera virtual, que não pode ser usada aqui. Escolha a câmera do seu aparelho e tente novamente.',
  'error.INTERNAL_ERROR':
    'A verificação com câmera desta página parou por um erro inesperado. Recarregue a página ou entre em contato com o suporte do site se isso acontecer de novo.',
  'error.SESSION_INVALID.renew': 'Esta verificação expirou. Selecione Tentar novamente para iniciar uma nova.',
};
