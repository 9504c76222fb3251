import { Liveness } from './liveness';

export default function Page() {
  return <Liveness />;
}
