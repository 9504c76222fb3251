// What a camera is, from its label and its track: the virtual and infrared lists (labels as the products register
// them), which way a camera faces, the element's order of preference and which cameras a person may pick.
import { expect } from '@open-wc/testing';
import {
  cameraKind,
  describeCamera,
  facing,
  INFRARED_CAMERAS,
  rankCameras,
  usableCameras,
  VIRTUAL_CAMERAS,
  virtualCameraProduct,
} from '../../src/camera-kind.js';

/** Device labels as the products register them (Windows, macOS, Linux). */
const VIRTUAL_LABELS: Record<string, string> = {
  'OBS Virtual Camera': 'OBS Studio',
  'OBS-Camera': 'OBS Studio',
  'Snap Camera': 'Snap Camera',
  'ManyCam Virtual Webcam': 'ManyCam',
  'XSplit VCam': 'XSplit VCam',
  'mmhmm Camera': 'mmhmm',
  'Microsoft Teams Virtual Camera': 'Microsoft Teams',
  'Zoom Virtual Camera': 'Zoom',
  'e2eSoft VCam': 'e2eSoft VCam',
  'NVIDIA Broadcast': 'NVIDIA Broadcast',
  'Logi Capture': 'Logi Capture',
  'CamTwist': 'CamTwist',
  'Dummy video device (0x0000)': 'v4l2loopback',
  'Streamlabs Desktop Virtual Webcam': 'Streamlabs',
  'vMix Video': 'vMix',
  'NDI Webcam Video 1': 'NDI Virtual Input',
  'DroidCam Source 3': 'DroidCam',
  'Iriun Webcam': 'Iriun Webcam',
  'Reincubate Camo': 'Camo',
  'e2eSoft iVCam': 'iVCam',
  'EpocCam Camera': 'EpocCam',
  'CyberLink YouCam 10': 'YouCam',
  'SplitCam Video Driver': 'SplitCam',
  'AlterCam Virtual Camera': 'AlterCam',
  'FaceRig Virtual Camera': 'FaceRig / Animaze',
  'Animaze Virtual Camera': 'FaceRig / Animaze',
  'Personify ChromaCam': 'ChromaCam',
  'Elgato Virtual Camera': 'Any other that says so',
};

const PHYSICAL_LABELS = [
  'Integrated Webcam (0bda:5538)',
  'FaceTime HD Camera',
  'Logitech BRIO (046d:085e)',
  'HD Pro Webcam C920',
  'camera2 1, facing front',
  'Front Camera',
  'Back Triple Camera',
  'USB2.0 HD UVC WebCam: USB2.0 HD',
  'Microsoft® LifeCam HD-3000',
  // Products whose names merely contain a listed word in another sense.
  'Razer Kiyo Pro',
  'Insta360 Link',
];

const INFRARED_LABELS = ['Integrated IR Camera', 'IR Camera (04f2:b6d9)', 'Intel(R) RealSense(TM) Infrared Camera', 'Windows Hello Face Camera', 'HP IR Camera'];

describe('camera kind: the virtual and infrared lists', () => {
  it('names the product of every listed virtual camera label', () => {
    for (const [label, product] of Object.entries(VIRTUAL_LABELS)) {
      expect(virtualCameraProduct(label), label).to.equal(product);
      expect(cameraKind(label), label).to.equal('virtual');
    }
    // Each listed product is covered by a label above, so the list cannot hold a pattern that never matches.
    const covered = new Set(Object.values(VIRTUAL_LABELS));
    const uncovered = VIRTUAL_CAMERAS.map((v) => v.product).filter((p) => !covered.has(p));
    expect(uncovered).to.deep.equal([]);
  });

  it('docs/cameras.md names every product of the list', async () => {
    const res = await fetch('/docs/cameras.md');
    expect(res.ok).to.equal(true);
    const doc = await res.text();
    const rows = new Set([...doc.matchAll(/^\| ([^|]+?) \|/gm)].map((m) => m[1]));
    const missing = VIRTUAL_CAMERAS.map((v) => v.product).filter((p) => !rows.has(p));
    expect(VIRTUAL_CAMERAS.length).to.be.greaterThan(10);
    expect(missing).to.deep.equal([]);
  });

  it('infrared labels are infrared, even one that also says virtual', () => {
    expect(INFRARED_CAMERAS.length).to.be.greaterThan(0);
    for (const label of INFRARED_LABELS) expect(cameraKind(label), label).to.equal('infrared');
  });

  it('other named cameras are physical; no label is unknown unless the browser says which way it faces', () => {
    for (const label of PHYSICAL_LABELS) expect(cameraKind(label), label).to.equal('physical');
    expect(cameraKind('')).to.equal('unknown');
    expect(cameraKind('  ')).to.equal('unknown');
    expect(cameraKind('', { facingMode: 'user' })).to.equal('physical');
    expect(cameraKind('', { facingMode: [] })).to.equal('unknown');
  });
});

describe('camera kind: facing', () => {
  it("from the browser's facingMode first, else from the label", () => {
    expect(facing('Back Camera', { facingMode: 'user' })).to.equal('user');
    expect(facing('', { facingMode: ['environment'] })).to.equal('environment');
    expect(facing('camera2 1, facing front')).to.equal('user');
    expect(facing('camera2 0, facing back')).to.equal('environment');
    expect(facing('Front Camera')).to.equal('user');
    expect(facing('Back Ultra Wide Camera')).to.equal('environment');
    expect(facing('Rear camera')).to.equal('environment');
    expect(facing('Logitech BRIO')).to.equal(null);
  });
});

describe('camera kind: the order of preference', () => {
  const cam = (deviceId: string, label: string, facingMode?: string) => describeCamera(deviceId, label, { facingMode });

  it('front physical, physical, back, then virtual, and infrared last', () => {
    const list = [
      cam('ir', 'Integrated IR Camera'),
      cam('obs', 'OBS Virtual Camera'),
      cam('back', 'Back Camera'),
      cam('usb', 'Logitech BRIO'),
      cam('front', 'Front Camera'),
    ];
    expect(rankCameras(list).map((c) => c.deviceId)).to.deep.equal(['front', 'usb', 'back', 'obs', 'ir']);
  });

  it('keeps the browser order for equal ranks', () => {
    const list = [cam('a', 'HD Webcam A'), cam('b', 'HD Webcam B'), cam('c', 'HD Webcam C')];
    expect(rankCameras(list).map((c) => c.deviceId)).to.deep.equal(['a', 'b', 'c']);
  });

  it('usable: named cameras without infrared ones, unless only infrared ones exist', () => {
    const ir = cam('ir', 'Integrated IR Camera');
    const web = cam('web', 'Integrated Webcam');
    const obs = cam('obs', 'OBS Virtual Camera');
    expect(usableCameras([ir, web, obs]).map((c) => c.deviceId)).to.deep.equal(['web', 'obs']);
    expect(usableCameras([ir]).map((c) => c.deviceId)).to.deep.equal(['ir']);
    // Before permission browsers list cameras without ids or names: none can be picked.
    expect(usableCameras([cam('', ''), cam('', '')])).to.deep.equal([]);
  });
});
