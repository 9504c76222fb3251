import { useState } from 'react';
import 'liveness-capture';
import type {} from 'liveness-capture/jsx';

export function App() {
  const [result, setResult] = useState('');
  return (
    <>
      <liveness-capture
        endpoint="/backend/antispoofing"
        autostart
        threshold={0.6}
        headers={{ 'x-example': 'react19' }}
        onliveness-pass={(e) => setResult(`pass ${e.detail.probReal}`)}
        onliveness-fail={(e) => setResult(`fail ${e.detail.probReal}`)}
        onliveness-error={(e) => setResult(`error ${e.detail.code}`)}
      />
      <p id="result">{result}</p>
    </>
  );
}
